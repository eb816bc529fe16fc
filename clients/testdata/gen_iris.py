#!/usr/bin/env python3
"""Writes iris.csv from the iris block of a golden reference file.

Usage: python3 gen_iris.py path/to/iris_classifiers.json > iris.csv

Columns: the four measurements (cm), the species name, and one 0/1 indicator per species
(Iris_setosa, Iris_versicolor, Iris_virginica) so that a binary classifier can target one.
Measurements are written as Python repr() of the float64 values, i.e. exactly as in the source.
"""
import json
import sys


def main(path):
    data = json.load(open(path))["data"]
    names = data["target_names"]
    out = sys.stdout
    out.write("sepal_length,sepal_width,petal_length,petal_width,species,"
              + ",".join("Iris_" + n for n in names) + "\n")
    for x, y in zip(data["X"], data["y"]):
        flags = ["1" if k == y else "0" for k in range(len(names))]
        out.write(",".join([repr(v) for v in x] + [names[y]] + flags) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
