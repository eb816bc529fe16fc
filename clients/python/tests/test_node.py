"""Tests of cluster node URLs: their mapping to REST and WebSocket URLs, their validation, and
Client.at."""

import ssl
import unittest

from context import SECRET

from symscore_client import Client
from symscore_client.node import node_base_url


class NodeURLTest(unittest.TestCase):
    def test_mapping(self):
        for node, want in [
            ("ws://node-a:8080", "http://node-a:8080"),
            ("wss://node-a", "https://node-a"),
            ("ws://127.0.0.1:41233", "http://127.0.0.1:41233"),
            ("http://10.0.0.7:80", "http://10.0.0.7"),  # the default port is left out
            ("wss://node-b:443/", "https://node-b"),
            ("wss://node-b:80", "https://node-b:80"),
            ("https://node-b/", "https://node-b"),
            ("WS://Node-A.example.com:1", "http://node-a.example.com:1"),
            ("ws://[::1]:8080", "http://[::1]:8080"),
            ("wss://[2001:db8::7]", "https://[2001:db8::7]"),
            ("ws://node_c:9", "http://node_c:9"),
        ]:
            with self.subTest(node=node):
                self.assertEqual(want, node_base_url(node))

    def test_refused(self):
        for node, want in [
            ("", "want ws://"),
            ("node-a:8080", "want ws://"),
            ("ftp://node-a", "want ws://"),
            ("ws:node-a", "no host"),
            ("ws://", "no host"),
            ("ws://:8080", "no host"),
            ("ws://node-a/x", "a scheme and a host only"),
            ("ws://node-a/symetry/ws/upload", "a scheme and a host only"),
            ("ws://u:p@node-a", "a scheme and a host only"),
            ("ws://@node-a", "a scheme and a host only"),
            ("ws://node-a?x=1", "a scheme and a host only"),
            ("ws://node-a/?", "a scheme and a host only"),
            ("ws://node-a#f", "a scheme and a host only"),
            ("ws://node-a:8080%", "node URL"),
            ("ws://node-a:x", "node URL"),
            ("ws://node-a:65536", "node URL"),
            ("ws://node-a:-1", "node URL"),
            ("ws://node-a:0", "port 0"),
            ("ws://[::1", "node URL"),
            ("ws://[nothost]:1", "IPv6"),  # urlsplit refuses it too on recent Pythons
            ("ws://node;x=1", "bad host name"),
            ("ws://node%41", "bad host name"),
            ("ws://no de", "a space, a control or a non-ASCII character"),
            (" ws://node-a", "a space, a control or a non-ASCII character"),
            ("ws://node-a\n", "a space, a control or a non-ASCII character"),
            ("ws://no\tde", "a space, a control or a non-ASCII character"),
            ("ws://nöde", "a space, a control or a non-ASCII character"),
            ("ws://node\x00", "a space, a control or a non-ASCII character"),
        ]:
            with self.subTest(node=node):
                with self.assertRaisesRegex(ValueError, want):
                    node_base_url(node)

    def test_refusal_quotes_a_long_url_in_part(self):
        with self.assertRaises(ValueError) as cm:
            node_base_url("ftp://" + "x" * 10000)
        self.assertLess(len(str(cm.exception)), 200)
        with self.assertRaisesRegex(ValueError, "must be a string"):
            node_base_url(8080)  # type: ignore[arg-type]


class ClientAtTest(unittest.TestCase):
    def setUp(self):
        self.c = Client("https://lb.example.com/prefix/", "c1", SECRET, timeout=7, session_frames=True)

    def test_at_a_node(self):
        n = self.c.at("ws://node-a:8080")
        self.assertEqual("http://node-a:8080", n.base_url)
        self.assertIs(self.c.signer, n.signer)  # one signer: dates keep increasing across both
        self.assertEqual((7, True), (n._timeout, n._session_frames))
        self.assertEqual("/symetry/rest/c1/uploads/U", n._rest_path("/uploads/U"))
        self.assertEqual("https://lb.example.com/prefix", self.c.base_url)  # unchanged
        self.assertEqual("/prefix/symetry/rest/c1/uploads/U", self.c._rest_path("/uploads/U"))

    def test_empty_is_the_client_itself(self):
        self.assertIs(self.c, self.c.at(None))
        self.assertIs(self.c, self.c.at(""))

    def test_refused(self):
        with self.assertRaisesRegex(ValueError, "a scheme and a host only"):
            self.c.at("wss://node-a/prefix")

    def test_tls_settings_carry_over(self):
        ctx = ssl.create_default_context()
        c = Client("https://lb.example.com", "c1", SECRET, ssl_context=ctx)
        self.assertIs(ctx, c.at("wss://node-a")._ssl)
        self.assertIsNone(c.at("ws://node-a")._ssl)
        # A client of an http:// balancer keeps its TLS settings for a wss:// node.
        plain = Client("http://lb.example.com", "c1", SECRET, ssl_context=ctx)
        self.assertIsNone(plain._ssl)
        self.assertIs(ctx, plain.at("wss://node-a")._ssl)
        self.assertEqual("https://node-a", plain.at("wss://node-a").base_url)


if __name__ == "__main__":
    unittest.main()
