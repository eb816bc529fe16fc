#!/bin/sh
# Runs the unit tests of both clients (no symscore server needed: the session and REST tests use
# loopback mock servers started by the tests themselves).
# Last line: "N passed, M failed" over both clients; exit status 1 when anything failed.
#
# Python: $PYTHON if set, else the first of python3, /usr/bin/python3 that can import websockets
# (Debian: apt-get install python3-websockets). A skipped test counts as failed here.
set -u
cd "$(dirname "$0")"

passed=0
failed=0

# --- Java ---
jout=$(java/build.sh test 2>&1)
jrc=$?
printf '%s\n' "$jout" | grep -v '^java: ' || true
jline=$(printf '%s\n' "$jout" | grep '^java: [0-9]* passed, [0-9]* failed$' | tail -n 1)
if [ -n "$jline" ]; then
    echo "$jline"
    jp=$(echo "$jline" | sed 's/^java: \([0-9]*\) passed, \([0-9]*\) failed$/\1/')
    jf=$(echo "$jline" | sed 's/^java: \([0-9]*\) passed, \([0-9]*\) failed$/\2/')
    passed=$((passed + jp))
    failed=$((failed + jf))
    if [ "$jrc" -ne 0 ] && [ "$jf" -eq 0 ]; then failed=$((failed + 1)); fi
else
    echo "java: build or test run failed (exit $jrc)"
    failed=$((failed + 1))
fi

# --- Python ---
py="${PYTHON:-}"
if [ -z "$py" ]; then
    for c in python3 /usr/bin/python3; do
        if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import websockets' >/dev/null 2>&1; then
            py=$c
            break
        fi
    done
fi
if [ -z "$py" ]; then
    echo "python: no interpreter with websockets (apt-get install python3-websockets)"
    py=python3
fi
pline=$("$py" - <<'PYEOF'
import sys
import unittest

suite = unittest.defaultTestLoader.discover("python/tests", top_level_dir="python/tests")
r = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses) + len(r.skipped)
print("python: %d passed, %d failed" % (r.testsRun - bad, bad))
PYEOF
)
prc=$?
if [ -n "$pline" ]; then
    echo "$pline"
    pp=$(echo "$pline" | sed 's/^python: \([0-9]*\) passed, \([0-9]*\) failed$/\1/')
    pf=$(echo "$pline" | sed 's/^python: \([0-9]*\) passed, \([0-9]*\) failed$/\2/')
    passed=$((passed + pp))
    failed=$((failed + pf))
else
    echo "python: test run failed (exit $prc)"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
