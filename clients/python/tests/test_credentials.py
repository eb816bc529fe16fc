"""Tests of credentials_from_environment: the environment, then the development customer file."""

import os
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
