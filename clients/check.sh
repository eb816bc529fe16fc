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
# With Maven and the Debian Maven repository (/usr/share/maven-repo: junit5, libsurefire-java,
# the compiler, resources and jar plugins; `make client-deps` installs them), the JUnit 5
# tests run through `mvn -o test`; otherwise build.sh runs the same suites with the JDK alone.
if command -v mvn >/dev/null 2>&1 && [ -d /usr/share/maven-repo/org/junit/jupiter/junit-jupiter-engine ] \
    && [ -d /usr/share/maven-repo/org/apache/maven/plugins/maven-surefire-plugin/2.22.3 ]; then
    jout=$(cd java && mvn -o -B test 2>&1)
    jrc=$?
    printf '%s\n' "$jout" | grep -E '^\[ERROR\]' || true
    tline=$(printf '%s\n' "$jout" | sed 's/\x1b\[[0-9;]*m//g' | grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' | tail -n 1)
    if [ -n "$tline" ]; then
        n=$(echo "$tline" | sed -E 's/.*Tests run: ([0-9]+),.*/\1/')
        bad=$(echo "$tline" | sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+)$/\1 + \2 + \3/')
        bad=$(($bad))
        jline="java: $((n - bad)) passed, $bad failed"
    else
        jline=""
    fi
    echo "java (mvn -o test, JUnit 5): ${jline:-no test summary}"
else
    echo "java: WARNING: no mvn with the Debian Maven repository; running the suites with the JDK alone (build.sh test)"
    jout=$(java/build.sh test 2>&1)
    jrc=$?
    printf '%s\n' "$jout" | grep -v '^java: ' || true
    jline=$(printf '%s\n' "$jout" | grep '^java: [0-9]* passed, [0-9]* failed$' | tail -n 1)
fi
if [ -n "$jline" ]; then
    echo "$jline"
    jp=$(echo "$jline" | sed 's/^java: \([0-9]*\) passed, \([0-9]*\) failed$/\1/')
    jf=$(echo "$jline" | sed 's/^java: \([0-9]*\) passed, \([0-9]*\) failed$/\2/')
    passed=$((passed + jp))
    failed=$((failed + jf))
    if [ "$jrc" -ne 0 ] && [ "$jf" -eq 0 ]; then failed=$((failed + 1)); fi
else
    printf '%s\n' "$jout" | tail -n 20
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
if "$py" -c 'import pytest' >/dev/null 2>&1; then
    # pytest (Debian: python3-pytest), configured by python/pyproject.toml.
    pout=$("$py" -m pytest -q python 2>&1)
    prc=$?
    printf '%s\n' "$pout" | grep -E '^(FAILED|ERROR)' || true
    psum=$(printf '%s\n' "$pout" | tail -n 1)
    pp=$(printf '%s\n' "$psum" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
    pbad=0
    for what in failed error errors skipped; do
        n=$(printf '%s\n' "$psum" | grep -oE "[0-9]+ $what" | grep -oE '[0-9]+' || true)
        pbad=$((pbad + ${n:-0}))
    done
    if [ "$prc" -ne 0 ] && [ "$pbad" -eq 0 ]; then pbad=1; fi
    pline="python: $pp passed, $pbad failed"
    echo "python (pytest): $psum"
    prc_done=1
else
    echo "python: WARNING: no pytest (apt-get install python3-pytest); running the tests with unittest"
    prc_done=0
fi
if [ "$prc_done" -eq 0 ]; then
pline=$("$py" - <<'PYEOF'
import sys
import unittest

suite = unittest.defaultTestLoader.discover("python/tests", top_level_dir="python/tests")
r = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses) + len(r.skipped)
print("python: %d passed, %d failed" % (r.testsRun - bad, bad))
PYEOF
)
fi
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
