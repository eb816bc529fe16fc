#!/usr/bin/env python3
"""Uploads a CSV file into a project and learns it as one change (docs/uploads.md).

Usage: upload_example.py FILE PROJECT [UPLOAD_ID to resume]

Environment as example.py: SYMSCORE_URL, SYMSCORE_CID, SYMSCORE_SECRET (or the development
customer of SYMSCORE_DATA_DIR). Standard output: ``upload=<id> rows=<applied> skipped=<skipped>``;
progress goes to standard error. Exit status 0 on success, 1 on failure (the message names the
upload to resume or finalize again), 2 on usage.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from symscore_client import Client, UploadError  # noqa: E402


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    path, project = argv[1], argv[2]
    client = Client.from_environment()
    last = [None]

    def progress(p):
        step = (p.phase, int(p.fraction * 10))
        if step != last[0]:  # a line every tenth of each phase
            last[0] = step
            print("%s %.0f%%" % (p.phase, 100 * p.fraction), file=sys.stderr)

    try:
        res = client.upload(path, project, resume=argv[3] if len(argv) == 4 else None, progress=progress)
    except UploadError as e:
        what = "finalize it again" if e.finalizing else "resume it"
        print("%s (%s with upload id %s)" % (e, what, e.upload_id), file=sys.stderr)
        return 1
    print("upload=%s rows=%d skipped=%d" % (res.upload_id, res.rows_applied, res.rows_skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
