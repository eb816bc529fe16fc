"""Tests of DataFrame, MLContext and JSON string quoting."""

import json
import random
import unittest

import context  # noqa: F401

from symscore_client import DataFrame, MLContext, json_quote


class DataFrameTest(unittest.TestCase):
    def test_serialization(self):
        df = DataFrame(["a", 'k"ind'], ["C", "T"], [["1.5", "x"], [None, "é\n"]])
        self.assertEqual('{"attributeNames":["a","k\\"ind"],"data":[["1.5","x"],["","é\\n"]],'
                         '"attributeTypes":["C","T"]}', df.to_json())
        self.assertEqual({"attributeNames": ["a", 'k"ind'], "data": [["1.5", "x"], ["", "é\n"]],
                          "attributeTypes": ["C", "T"]}, json.loads(df.to_json()))
        self.assertEqual('{"attributeNames":["a"],"data":[],"attributeTypes":["C"],"errorHandling":0}',
                         DataFrame(["a"], ["C"], error_handling=0).to_json())

    def test_validation(self):
        cases = [
            lambda: DataFrame(["a"], ["L"]),
            lambda: DataFrame(["a"], ["c"]),
            lambda: DataFrame(["a", "b"], ["C"]),
            lambda: DataFrame(["a", "b"], ["C", "C"], [["1"]]),
            lambda: DataFrame(["a"], ["C"], [["1", "2"]]),
            lambda: DataFrame(["a"], ["C"], [[1.5]]),
            lambda: DataFrame(["a"], ["C"], error_handling=2),
        ]
        for i, f in enumerate(cases):
            with self.subTest(case=i):
                with self.assertRaises(ValueError):
                    f()

    def test_mlcontext(self):
        self.assertEqual('{"targetAttributeNames":["Iris_virginica"],"inputAttributeNames":["a","b"],'
                         '"extraParameters":{"alpha":"1.0"}}',
                         MLContext(target_names=["Iris_virginica"], input_names=["a", "b"],
                                   params={"alpha": "1.0"}).to_json())
        self.assertEqual('{"inputAttributes":["0"],"extraParameters":{}}', MLContext(inputs=[0]).to_json())
        with self.assertRaises(ValueError):
            MLContext(targets=[1], input_names=["a"])


class QuoteTest(unittest.TestCase):
    def test_same_bytes_as_the_java_writer(self):
        # The Java client's JsonTest pins the same expected text.
        self.assertEqual('"q\\"b\\\\n\\nt\\tc\\u0001\\u001f\x7fé/"', json_quote('q"b\\n\nt\tc\x01\x1f\x7fé/'))
        self.assertEqual('"\\ud800x\\udc00"', json_quote("\ud800x\udc00"))
        self.assertEqual('"\U0001F600"', json_quote("\U0001F600"))

    def test_round_trip(self):
        rnd = random.Random(7)
        for _ in range(2000):
            s = "".join(chr(rnd.choice([rnd.randrange(0x80), rnd.randrange(0x20),
                                        0x80 + rnd.randrange(0xD000), 0x10000 + rnd.randrange(0x10000)]))
                        for _ in range(rnd.randrange(12)))
            self.assertEqual(s, json.loads(json_quote(s)))


if __name__ == "__main__":
    unittest.main()
