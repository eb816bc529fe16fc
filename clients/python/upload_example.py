#!/usr/bin/env python3
"""Uploads a CSV file into a project and learns it as one change (docs/uploads.md).

Usage: upload_example.py [--connections N] [--chunk-size BYTES] FILE PROJECT [UPLOAD_ID [NODE]]

UPLOAD_ID resumes that upload (only the bytes the server misses are sent); NODE is, on a
cluster behind a load balancer, the URL of the node that holds it (a failed upload names
both). Environment as example.py: SYMSCORE_URL, SYMSCORE_CID, SYMSCORE_SECRET (or the
development customer of SYMSCORE_DATA_DIR). Standard output: ``upload=<id> rows=<applied>
skipped=<skipped> sent=<bytes this run sent>``; progress goes to standard error. Exit status
0 on success, 1 on failure (the message names the upload to resume or finalize again and, on
a cluster, its node), 2 on usage.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from symscore_client import Client, UploadError  # noqa: E402
from symscore_client.upload import DEFAULT_CHUNK_SIZE, DEFAULT_CONNECTIONS  # noqa: E402


def main(argv):
    ap = argparse.ArgumentParser(prog="upload_example.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--connections", type=int, default=DEFAULT_CONNECTIONS, help="WebSocket connections sending chunks")
    ap.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, help="bytes per chunk")
    ap.add_argument("file")
    ap.add_argument("project")
    ap.add_argument("upload_id", nargs="?", help="the upload to resume")
    ap.add_argument("node", nargs="?", help="the URL of the cluster node that holds it")
    args = ap.parse_args(argv[1:])
    client = Client.from_environment()
    last = [None]

    def progress(p):
        step = (p.phase, int(p.fraction * 10))
        if step != last[0]:  # a line every tenth of each phase
            last[0] = step
            print("%s %.0f%%" % (p.phase, 100 * p.fraction), file=sys.stderr)

    try:
        res = client.upload(args.file, args.project, resume=args.upload_id, node=args.node,
                            connections=args.connections, chunk_size=args.chunk_size, progress=progress)
    except UploadError as e:
        if e.upload_id is None:  # the announce failed: nothing to go on with
            print(e, file=sys.stderr)
            return 1
        what = "finalize it again" if e.finalizing else "resume it"
        where = " node %s" % e.node if e.node else ""
        print("%s (%s with upload id %s%s)" % (e, what, e.upload_id, where), file=sys.stderr)
        return 1
    except ValueError as e:
        print("upload_example.py: %s" % e, file=sys.stderr)
        return 2
    print("upload=%s rows=%d skipped=%d sent=%d" % (res.upload_id, res.rows_applied, res.rows_skipped, res.sent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
