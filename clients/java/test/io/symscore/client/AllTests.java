package io.symscore.client;

/** Runs every test suite in one JVM; prints {@code java: N passed, M failed}; exits 1 on failure. */
public final class AllTests {
    private AllTests() {
    }

    public static void main(String[] args) throws Exception {
        SignerTest.run();
        JsonTest.run();
        ReplyTest.run();
        DataFrameTest.run();
        SessionTest.run();
        RestTest.run();
        CredentialsTest.run();
        UploadTest.run();
        Check.exit("java");
    }
}
