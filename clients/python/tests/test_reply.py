"""Tests of reply envelope parsing, the typed accessors and errors."""

import unittest

import context  # noqa: F401

from symscore_client import Reply, Status, SymscoreError


class ReplyTest(unittest.TestCase):
    def test_learn_ok(self):
        r = Reply.parse('{"statusCode":"OK","statusString":"OK","values":{}}')
        self.assertEqual(Status.OK, r.status)
        self.assertEqual("OK", r.status_string)
        self.assertEqual({}, r.values)
        self.assertEqual(200, r.http_code)
        self.assertTrue(r.ok)
        self.assertIsNone(r.number("rowsApplied"))

    def test_error_handling_counts(self):
        r = Reply.parse('{"statusCode":"OK","statusString":"OK",'
                        '"values":{"rowsApplied":148,"rowsSkipped":2}}')
        self.assertEqual(148, r.number("rowsApplied"))
        self.assertEqual(2, r.number("rowsSkipped"))

    def test_predictions(self):
        r = Reply.parse('{"statusCode":"OK","statusString":"OK","values":{"KSVSMap":{"values":'
                        '[{"res":"1","prob":"0.97","normZ":null},{"res":"0","prob":"1e-300"}]}}}')
        p = r.predictions()
        self.assertEqual(2, len(p))
        self.assertEqual({"res": "1", "prob": "0.97", "normZ": None}, p[0])
        self.assertEqual(["res", "prob", "normZ"], list(p[0]))
        self.assertEqual("1e-300", p[1]["prob"])

    def test_statistics(self):
        r = Reply.parse('{"statusCode":"OK","statusString":"OK","values":{"KSVDMap":{"values":'
                        '[{"count":150,"mean":5.843333333333334,"variance":null}]}}}')
        self.assertEqual([{"count": 150.0, "mean": 5.843333333333334, "variance": None}],
                         r.statistics())

    def test_info_and_lists(self):
        r = Reply.parse('{"statusCode":"OK","statusString":"OK","values":{"smlInfo":{"pid":"p"},'
                        '"stringList":{"values":["a","b"]}}}')
        self.assertEqual("p", r.object("smlInfo")["pid"])
        self.assertEqual(["a", "b"], r.string_list())

    def test_unauthorized(self):
        r = Reply.parse('{"statusCode":"UNAUTHORIZED","statusString":"bad signature",'
                        '"values":{"stringToSign":"m\\nSECRETKEY\\n"}}')
        self.assertFalse(r.ok)
        e = SymscoreError.from_reply(r)
        self.assertEqual("UNAUTHORIZED", e.status)
        self.assertEqual(401, e.http_code)
        self.assertEqual("m\nSECRETKEY\n", e.string_to_sign)
        self.assertEqual("UNAUTHORIZED: bad signature", str(e))
        c = e.copy()
        self.assertIsNot(e, c)
        self.assertEqual((e.status, e.http_code, str(e)), (c.status, c.http_code, str(c)))

    def test_status_codes(self):
        table = {"OK": 200, "CREATED": 201, "ACCEPTED": 202, "BAD_REQUEST": 400,
                 "UNAUTHORIZED": 401, "CONFLICT": 409, "INTERNAL_SERVER_ERROR": 500,
                 "SERVICE_UNAVAILABLE": 503}
        for name, code in table.items():
            with self.subTest(name=name):
                r = Reply.parse('{"statusCode":"%s","statusString":"x","values":{}}' % name)
                self.assertEqual(code, r.http_code)
                self.assertEqual(code < 300, r.ok)
        u = Reply.parse('{"statusCode":"TEAPOT","statusString":"x"}')
        self.assertIsNone(u.status)
        self.assertEqual(0, u.http_code)
        self.assertFalse(u.ok)
        self.assertEqual(409, Reply.parse('{"statusCode":"CONFLICT"}', 409).http_code)

    def test_malformed(self):
        bad = ["", "[]", '"OK"', "{}", '{"statusCode":1}', '{"statusCode":"OK","values":[]}',
               '{"statusCode":"OK","statusString":3}', '{"statusCode":"OK"', "not json",
               '{"statusCode":"OK","values":{"x":NaN}}', '{"statusCode":"OK","values":{"x":Infinity}}',
               "[" * 100000]
        for b in bad:
            with self.subTest(text=b[:40]):
                with self.assertRaises(SymscoreError) as cm:
                    Reply.parse(b)
                self.assertIsNone(cm.exception.status)

    def test_wrong_shapes(self):
        empty = Reply.parse('{"statusCode":"OK","values":{}}')
        for f in (empty.predictions, empty.statistics, empty.string_list,
                  lambda: empty.object("smlInfo")):
            with self.assertRaises(SymscoreError):
                f()
        with self.assertRaises(SymscoreError):
            Reply.parse('{"statusCode":"OK","values":{"KSVSMap":{"values":[{"res":1}]}}}').predictions()
        with self.assertRaises(SymscoreError):
            Reply.parse('{"statusCode":"OK","values":{"KSVDMap":{"values":[{"m":"1"}]}}}').statistics()
        with self.assertRaises(SymscoreError):
            Reply.parse('{"statusCode":"OK","values":{"KSVDMap":{"values":[{"m":true}]}}}').statistics()


if __name__ == "__main__":
    unittest.main()
