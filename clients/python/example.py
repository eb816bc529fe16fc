#!/usr/bin/env python3
"""End-to-end example: create a project, learn iris over WebSocket, read its live statistics
through a subscription, build an lda model over REST, score four rows over WebSocket, delete the
project.

Environment: SYMSCORE_URL (default http://127.0.0.1:8080), SYMSCORE_CID, SYMSCORE_SECRET
(default: the development customer of SYMSCORE_DATA_DIR, as credentials_from_environment finds it), SYMSCORE_PID (default irisExample; the first argument overrides it), SYMSCORE_IRIS
(path of iris.csv; default ../testdata/iris.csv next to this file), SYMSCORE_SESSION_FRAMES=1 to
sign only the first WebSocket message.

Standard output holds only the predictions, one line per row: ``row=<i> key=value ...`` with keys
sorted and values exactly as received (``null`` for a null value); the same format as the Java
example. Progress goes to standard error. Exit status 0 on success, 1 on failure, 2 on usage.
"""

import asyncio
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from symscore_client import Client, DataFrame, MLContext, SymscoreError  # noqa: E402

COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species",
           "Iris_setosa", "Iris_versicolor", "Iris_virginica"]
TYPES = ["C", "C", "C", "C", "T", "B", "B", "B"]
PREDICT_ROWS = [0, 50, 100, 149]
BATCH = 25


def log(msg):
    print(msg, file=sys.stderr)


def format_line(row, prediction):
    """``row=<i> key=value ...``, keys sorted, values as received, None as ``null``."""
    cells = ["%s=%s" % (k, "null" if v is None else v) for k, v in sorted(prediction.items())]
    return " ".join(["row=%d" % row] + cells)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r, None)
        if header != COLUMNS:
            raise ValueError("%s: header is not %s" % (path, ",".join(COLUMNS)))
        rows = [row for row in r if row]
    for i, row in enumerate(rows):
        if len(row) != len(COLUMNS):
            raise ValueError("%s: line %d has %d cells" % (path, i + 2, len(row)))
    return rows


async def learn(client, pid, rows):
    """Learns all rows over one WebSocket, BATCH rows per message, all messages pipelined."""
    async with client.learn_session(pid) as s:
        futs = []
        for i in range(0, len(rows), BATCH):
            futs.append(await s.send(DataFrame(COLUMNS, TYPES, rows[i:i + BATCH])))
        for f in futs:
            await asyncio.wait_for(f, 30)
    log("learned %d rows in %d messages" % (len(rows), len(futs)))


async def watch(client, pid, rows):
    """Subscribes to sepal_length and $project and reads until both show every row learned."""
    seen = {}
    async with client.subscribe(pid, ["sepal_length", "$project"]) as sub:
        async for m in sub:
            if m["type"] == "error":
                raise SymscoreError("subscription: %s: %s" % (m["statusCode"], m["statusString"]))
            if m["type"] == "data":
                seen[m["name"]] = m
                count = seen.get("sepal_length", {}).get("values", {}).get("count")
                if count == len(rows) and "$project" in seen:
                    break
    v = seen["sepal_length"]["values"]
    log("subscription: sepal_length count %d mean %.4f at version %d; project rows %d"
        % (v["count"], v["mean"], seen["sepal_length"]["version"], seen["$project"]["values"]["rows"]))


async def predict(client, pid, rows):
    """Scores PREDICT_ROWS over one WebSocket, one message per row, and prints the results."""
    async with client.predict_session(pid, "lda1") as s:
        futs = [await s.send(DataFrame(COLUMNS[:4], TYPES[:4], [rows[i][:4]])) for i in PREDICT_ROWS]
        for i, f in zip(PREDICT_ROWS, futs):
            p = (await asyncio.wait_for(f, 30)).predictions()
            if len(p) != 1:
                raise SymscoreError("want 1 prediction, got %d" % len(p))
            print(format_line(i, p[0]), flush=True)


def run(argv):
    pid = argv[0] if argv else (os.environ.get("SYMSCORE_PID") or "irisExample")
    try:
        client = Client.from_environment(session_frames=os.environ.get("SYMSCORE_SESSION_FRAMES") == "1")
    except ValueError as e:
        log("error: %s" % e)
        log("usage: [SYMSCORE_URL=...] [SYMSCORE_CID=... SYMSCORE_SECRET=... | SYMSCORE_DATA_DIR=...] example.py [pid]")
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    rows = read_csv(os.environ.get("SYMSCORE_IRIS") or os.path.join(here, "..", "testdata", "iris.csv"))

    client.create_project(pid, "cpu", {})
    log("created project " + pid)
    done = False
    try:
        asyncio.run(learn(client, pid, rows))
        asyncio.run(asyncio.wait_for(watch(client, pid, rows), 30))
        ctx = MLContext(target_names=["Iris_virginica"],
                        input_names=["sepal_length", "sepal_width", "petal_length", "petal_width"])
        built = client.build(pid, "lda", "lda1", ctx)
        log("built model lda1: " + built.status_string)
        asyncio.run(predict(client, pid, rows))
        done = True
    finally:
        try:
            client.delete_project(pid)
            log("deleted project " + pid)
        except SymscoreError as e:
            if done:
                raise
            log("cannot delete project %s: %s" % (pid, e))  # the first error wins
    return 0


def main():
    try:
        sys.exit(run(sys.argv[1:]))
    except SymscoreError as e:
        extra = "" if e.status is None else " [%s, HTTP %d]" % (e.status, e.http_code)
        log("error: %s%s" % (e, extra))
        sys.exit(1)
    except (OSError, ValueError) as e:
        log("error: %s" % e)
        sys.exit(1)


if __name__ == "__main__":
    main()
