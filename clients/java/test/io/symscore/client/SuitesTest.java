package io.symscore.client;

import org.junit.jupiter.api.Test;

/**
 * The client's tests under JUnit 5 (mvn test): one test per suite, each running every check
 * of the suite and failing with the list of the checks that failed. The suites are also plain
 * main classes (AllTests) so that build.sh can run them with the JDK alone.
 */
class SuitesTest {
    @Test
    void signer() {
        Check.suite("SignerTest", SignerTest::run);
    }

    @Test
    void json() {
        Check.suite("JsonTest", JsonTest::run);
    }

    @Test
    void reply() {
        Check.suite("ReplyTest", ReplyTest::run);
    }

    @Test
    void dataFrame() {
        Check.suite("DataFrameTest", DataFrameTest::run);
    }

    @Test
    void session() {
        Check.suite("SessionTest", SessionTest::run);
    }

    @Test
    void rest() {
        Check.suite("RestTest", RestTest::run);
    }

    @Test
    void credentials() {
        Check.suite("CredentialsTest", CredentialsTest::run);
    }

    @Test
    void upload() {
        Check.suite("UploadTest", UploadTest::run);
    }

    @Test
    void checkCanFail() {
        AssertionError e = null;
        try {
            Check.suite("failing", () -> Check.eq("one", 1, 2));
        } catch (AssertionError a) {
            e = a;
        }
        if (e == null || !e.getMessage().contains("one: want <1> got <2>")) {
            throw new AssertionError("a failed check did not fail its suite: " + e);
        }
    }
}
