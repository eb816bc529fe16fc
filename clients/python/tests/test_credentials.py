"""Tests of credentials_from_environment: the environment, then the development customer file."""

import os
import ssl
import tempfile
import unittest

import context  # noqa: F401  (puts symscore_client on sys.path)

from symscore_client import Client, Credentials, credentials_from_environment


class CredentialsTest(unittest.TestCase):
    def test_environment(self):
        c = credentials_from_environment({"SYMSCORE_CID": "c1", "SYMSCORE_SECRET": "QUJD", "SYMSCORE_URL": "http://h:1"})
        self.assertEqual(c, Credentials("http://h:1", "c1", "QUJD"))
        self.assertEqual(credentials_from_environment({"SYMSCORE_CID": "c1", "SYMSCORE_SECRET": "QUJD"}).url,
                         "http://127.0.0.1:8080")
        self.assertNotIn("QUJD", repr(c))
        with self.assertRaisesRegex(ValueError, "go together"):
            credentials_from_environment({"SYMSCORE_CID": "c1"})

    def test_ca_file(self):
        env = {"SYMSCORE_CID": "c1", "SYMSCORE_SECRET": "QUJD", "SYMSCORE_URL": "https://h:1"}
        self.assertIsNone(credentials_from_environment(env).ca_file)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ca.pem")
            with open(path, "w") as f:
                f.write("not a certificate\n")
            env["SYMSCORE_CA_FILE"] = path
            self.assertEqual(credentials_from_environment(env).ca_file, path)
            with self.assertRaises(ssl.SSLError):  # the file is read when the client is made
                Client.from_environment(env)
            with self.assertRaises(FileNotFoundError):
                Client("https://h:1", "c1", "QUJD", ca_file=os.path.join(d, "none.pem"))
            with self.assertRaisesRegex(ValueError, "not both"):
                Client("https://h:1", "c1", "QUJD", ca_file=path, ssl_context=ssl.create_default_context())

    def test_development_customer_file(self):
        with tempfile.TemporaryDirectory() as d:
            env = {"SYMSCORE_DATA_DIR": d}
            with self.assertRaisesRegex(ValueError, "dev-customer.json does not exist"):
                credentials_from_environment(env)
            path = os.path.join(d, "dev-customer.json")
            with open(path, "w") as f:
                f.write('{"id":"dev","secret":"QUJD"}')
            self.assertEqual(credentials_from_environment(env), Credentials("http://127.0.0.1:8080", "dev", "QUJD"))
            client = Client.from_environment(env)
            self.assertEqual(client.signer.cid, "dev")
            for bad in ('{"id":"dev"}', "not json", '{"id":"","secret":"x"}', "[]"):
                with open(path, "w") as f:
                    f.write(bad)
                with self.assertRaisesRegex(ValueError, "is not"):
                    credentials_from_environment(env)


if __name__ == "__main__":
    unittest.main()
