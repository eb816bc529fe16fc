#!/bin/sh
# Builds and tests the symscore Java client with the JDK alone (javac, java, jar; JDK 17+).
# The client is also a Maven project (pom.xml: mvn -o test, mvn -o package); this script
# needs no Maven.
#
#   ./build.sh            compile, then run the tests (same as: ./build.sh test)
#   ./build.sh compile    compile into build/classes, build/example-classes, build/test-classes
#   ./build.sh test       compile and run every test; last line: "java: N passed, M failed"
#   ./build.sh jar        compile and package build/symscore-client.jar
#   ./build.sh example [pid]
#                         compile and run the example against $SYMSCORE_URL
#                         (needs SYMSCORE_CID and SYMSCORE_SECRET)
#   ./build.sh upload-example [options] FILE PROJECT
#                         compile and upload FILE into PROJECT with the upload example
#                         (same environment; options: see UploadExample.java)
#   ./build.sh clean      remove build/
set -eu
cd "$(dirname "$0")"
B=build

compile() {
    rm -rf "$B/classes" "$B/example-classes" "$B/test-classes"
    javac --release 17 -Xlint:all -Werror -encoding UTF-8 -d "$B/classes" $(find src -name '*.java')
    javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "$B/classes" -d "$B/example-classes" \
        $(find example -name '*.java')
    # SuitesTest is the JUnit 5 entry point (mvn test); the JDK-only run uses AllTests.
    javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "$B/classes" -d "$B/test-classes" \
        $(find test -name '*.java' ! -name SuitesTest.java)
}

case "${1:-test}" in
compile)
    compile
    ;;
test)
    compile
    java -cp "$B/classes:$B/test-classes" io.symscore.client.AllTests
    ;;
jar)
    compile
    jar --create --file "$B/symscore-client.jar" -C "$B/classes" .
    echo "$B/symscore-client.jar"
    ;;
example)
    compile
    shift
    SYMSCORE_IRIS="${SYMSCORE_IRIS:-$(pwd)/../testdata/iris.csv}" \
        exec java -cp "$B/classes:$B/example-classes" io.symscore.client.example.Example "$@"
    ;;
upload-example)
    compile
    shift
    exec java -cp "$B/classes:$B/example-classes" io.symscore.client.example.UploadExample "$@"
    ;;
clean)
    rm -rf "$B"
    ;;
*)
    echo "usage: $0 [compile|test|jar|example [pid]|upload-example [options] FILE PROJECT|clean]" >&2
    exit 2
    ;;
esac
