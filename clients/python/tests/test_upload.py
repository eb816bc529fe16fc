"""Unit tests of the upload helpers (the workflow itself runs against a live server in the Go
tests of cmd/symscore: TestPythonUploadAgainstServer)."""

import struct
import unittest

from symscore_client import UploadProgress, chunk_message
from symscore_client.upload import cut


class UploadHelpersTest(unittest.TestCase):
    def test_chunk_message(self):
        self.assertEqual(chunk_message(0, b"a,b\n"), b"\x00" * 8 + b"a,b\n")
        self.assertEqual(chunk_message(131072, b"x"), struct.pack(">Q", 131072) + b"x")
        self.assertEqual(chunk_message((1 << 63) - 2, b"x")[:8], b"\x7f\xff\xff\xff\xff\xff\xff\xfe")
        for bad in (-1, (1 << 63) - 1):
            with self.assertRaises(ValueError):
                chunk_message(bad, b"xy")

    def test_cut(self):
        self.assertEqual(list(cut([(0, 10), (20, 25)], 4)), [(0, 4), (4, 8), (8, 10), (20, 24), (24, 25)])
        self.assertEqual(list(cut([], 4)), [])
        with self.assertRaises(ValueError):
            list(cut([(0, 1)], 0))

    def test_progress_fraction(self):
        self.assertEqual(UploadProgress("sending", "U", 25, 100).fraction, 0.25)
        self.assertEqual(UploadProgress("learning", "U", 100, 100, {"fraction": 0.5}).fraction, 0.5)
        self.assertEqual(UploadProgress("sending", "U", 0, 0).fraction, 1.0)


if __name__ == "__main__":
    unittest.main()
