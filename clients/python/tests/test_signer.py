"""Known-answer tests of the signer: the four vectors of docs/protocol.md, dates, uniqueness."""

import datetime
import threading
import unittest

from context import DATE, SECRET

from symscore_client import DataFrame, MLContext, Signer, content_md5, format_date

LEARN_PAYLOAD = (
    '{"attributeNames":["sepal_length","sepal_width","petal_length","petal_width",'
    '"sepal_lengt_b1","sepal_lengt_b2","sepal_width_b1","sepal_width_b2","petal_length_b1",'
    '"petal_length_b2","petal_width_b1","petal_width_b2","Iris_setosa","Iris_versicolor",'
    '"Iris_virginica"],"data":[["4.3","3","1.1","0.1","1","0","0","1","1","0","1","0","1","0","0"],'
    '["4.8","3","1.4","0.1","1","0","0","1","1","0","1","0","1","0","0"]],"attributeTypes":["C",'
    '"C","C","C","B","B","B","B","B","B","B","B","B","B","B"],"errorHandling":1}')
LEARN_MESSAGE = (
    '147,{"headers":["2025-11-16 20:11:50;294669000","QIrbsrJcSCNAYVFjcjkHMw==",'
    '"5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWng=","c1"],"extraKeys":["rtest1"]}' + LEARN_PAYLOAD)
PREDICT_PAYLOAD = ('{"attributeNames":["sepal_length","sepal_width","petal_length"],'
                   '"data":[["4.3","3","1.1"]],"attributeTypes":["C","C","C"]}')
BUILD_BODY = '{"targets":["12"],"inputAttributes":["0","1","2","3"],"extraParameters":{}}'


class VectorTest(unittest.TestCase):
    def setUp(self):
        self.s = Signer("c1", SECRET)

    def test_ws_learn_whole_message(self):
        got = self.s.frame(LEARN_PAYLOAD, "ws://charm:8080/symetry/ws/learn", ["rtest1"], date=DATE)
        self.assertEqual(LEARN_MESSAGE, got)
        self.assertEqual("QIrbsrJcSCNAYVFjcjkHMw==", content_md5(LEARN_PAYLOAD))

    def test_ws_predict(self):
        msg = self.s.frame(PREDICT_PAYLOAD, "ws://charm:8080/symetry/ws/predict",
                           ["irisTest", "testLDA"], date=DATE)
        n, rest = msg.split(",", 1)
        self.assertEqual("159", n)
        self.assertEqual(
            '{"headers":["' + DATE + '","bPXTb+OmmWaRw/5xwdpfyw==",'
            '"uGFPh96htcxQ7/vtI6RCjuMAVje92dcq617z+RMjQWM=","c1"],"extraKeys":["irisTest","testLDA"]}',
            rest[:159])
        self.assertEqual(PREDICT_PAYLOAD, rest[159:])

    def test_rest_info(self):
        h = self.s.sign_rest("GET", "/symetry/rest/c1/projects/irisTest/info", date=DATE)
        self.assertEqual("", h.content_md5)
        self.assertEqual("k//rgtxhG24fM8p/DA0RZNHkBmkhxr9WlmM+IBRWYWg=", h.signature)
        self.assertEqual(DATE, h.date)

    def test_rest_build(self):
        body = MLContext(targets=[12], inputs=[0, 1, 2, 3]).to_json()
        self.assertEqual(BUILD_BODY, body)
        h = self.s.sign_rest("POST", "/symetry/rest/c1/projects/irisTest/build",
                             "algo=lda&modelid=lda1", body, date=DATE)
        self.assertEqual("4X9CgBqOcvXkRJ0a2NYnHw==", h.content_md5)
        self.assertEqual("Igg4xCVfhmY7ycYXYhzwjvDz7rs+3AmgHrwQzyx1ZkA=", h.signature)

    def test_learn_payload_from_dataframe(self):
        names = ["sepal_length", "sepal_width", "petal_length", "petal_width", "sepal_lengt_b1",
                 "sepal_lengt_b2", "sepal_width_b1", "sepal_width_b2", "petal_length_b1",
                 "petal_length_b2", "petal_width_b1", "petal_width_b2", "Iris_setosa",
                 "Iris_versicolor", "Iris_virginica"]
        df = DataFrame(names, ["C"] * 4 + ["B"] * 11, error_handling=1)
        df.add_row(["4.3", "3", "1.1", "0.1", "1", "0", "0", "1", "1", "0", "1", "0", "1", "0", "0"])
        df.add_row(["4.8", "3", "1.4", "0.1", "1", "0", "0", "1", "1", "0", "1", "0", "1", "0", "0"])
        self.assertEqual(LEARN_PAYLOAD, df.to_json())

    def test_string_to_sign_layout(self):
        self.assertEqual("M\n%s\nD\nc1\nP\nU\nk1\nk2\n" % SECRET,
                         self.s.ws_string_to_sign("D", "M", "P", "U", ["k1", "k2"]))
        self.assertEqual("GET\n\n%s\nD\nc1\n/r\n" % SECRET,
                         self.s.rest_string_to_sign("GET", "D", "", None, "/r", None))
        self.assertEqual("POST\nM\n%s\nD\nc1\nB\n/r\nq=1\n" % SECRET,
                         self.s.rest_string_to_sign("POST", "D", "M", "B", "/r", "q=1"))

    def test_header_length_counts_bytes(self):
        msg = self.s.frame("{}", "ws://h/symetry/ws/learn", ['pé"x'], date=DATE)
        n, rest = msg.split(",", 1)
        raw = rest.encode("utf-8")
        header = raw[:int(n)].decode("utf-8")
        self.assertTrue(header.endswith('"extraKeys":["pé\\"x"]}'), header)
        self.assertEqual(b"{}", raw[int(n):])


class DateTest(unittest.TestCase):
    def test_format(self):
        t = datetime.datetime(2025, 11, 16, 20, 11, 50, tzinfo=datetime.timezone.utc)
        ns = int(t.timestamp()) * 1_000_000_000 + 294669000
        self.assertEqual(DATE, format_date(ns))
        self.assertEqual("1970-01-01 00:00:00;000000000", format_date(0))
        self.assertEqual("1970-01-01 00:00:00;000000001", format_date(1))
        self.assertEqual("1969-12-31 23:59:59;999999999", format_date(-1))

    def test_strictly_increasing_on_stuck_or_backward_clock(self):
        clock = [1_000_000_000]
        s = Signer("c1", SECRET, lambda: clock[0])
        self.assertEqual("1970-01-01 00:00:01;000000000", s.next_date())
        self.assertEqual("1970-01-01 00:00:01;000000001", s.next_date())
        clock[0] = 500
        self.assertEqual("1970-01-01 00:00:01;000000002", s.next_date())
        clock[0] = 2_000_000_000
        self.assertEqual("1970-01-01 00:00:02;000000000", s.next_date())

    def test_unique_across_threads(self):
        s = Signer("c1", SECRET, lambda: 42)
        out = []

        def work():
            got = [s.next_date() for _ in range(5000)]
            out.extend(got)

        ts = [threading.Thread(target=work) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(20000, len(set(out)))

    def test_successive_frames_differ(self):
        s = Signer("c1", SECRET)
        heads = {s.frame(PREDICT_PAYLOAD, "ws://h/symetry/ws/learn", ["p"]).split('"c1"')[0]
                 for _ in range(1000)}
        self.assertEqual(1000, len(heads))


class BadInputTest(unittest.TestCase):
    def test_refused(self):
        for cid, secret in (("c1", "not base64!"), ("c1", ""), ("", SECRET)):
            with self.subTest(cid=cid, secret=secret):
                with self.assertRaises(ValueError):
                    Signer(cid, secret)


if __name__ == "__main__":
    unittest.main()
