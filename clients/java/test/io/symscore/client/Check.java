package io.symscore.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A minimal assertion helper for the test mains: counts checks, prints failures. */
final class Check {
    private static int passed;
    private static int failed;
    private static final List<String> failures = new ArrayList<>();

    private Check() {
    }

    static void ok(String name, boolean cond, String detail) {
        if (cond) {
            passed++;
        } else {
            fail(name + (detail == null ? "" : ": " + detail));
        }
    }

    private static void fail(String msg) {
        failed++;
        failures.add(msg);
        System.out.println("FAIL " + msg);
    }

    /**
     * Runs one suite's checks on their own and throws an AssertionError listing every failed
     * check: how the JUnit 5 tests (SuitesTest) run the suites.
     */
    static void suite(String name, ThrowingRunnable r) {
        passed = 0;
        failed = 0;
        failures.clear();
        group(name, r);
        if (failed > 0) {
            throw new AssertionError(name + ": " + failed + " of " + (passed + failed) + " checks failed:\n  "
                    + String.join("\n  ", failures));
        }
        if (passed == 0) {
            throw new AssertionError(name + ": no check ran");
        }
    }

    static void ok(String name, boolean cond) {
        ok(name, cond, null);
    }

    static void eq(String name, Object want, Object got) {
        ok(name, Objects.equals(want, got), "want <" + want + "> got <" + got + ">");
    }

    /** Checks that {@code r} throws an exception of type {@code want}; returns it (or null). */
    static <T extends Throwable> T raises(String name, Class<T> want, ThrowingRunnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            if (want.isInstance(t)) {
                passed++;
                return want.cast(t);
            }
            fail(name + ": want " + want.getSimpleName() + " got " + t);
            return null;
        }
        fail(name + ": want " + want.getSimpleName() + ", nothing thrown");
        return null;
    }

    /** Runs a group of checks; an unexpected exception counts as one failure. */
    static void group(String name, ThrowingRunnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            fail(name + ": unexpected " + t);
            t.printStackTrace(System.out);
        }
    }

    static int passed() {
        return passed;
    }

    static int failed() {
        return failed;
    }

    /** Prints the closing line and exits non-zero when a check failed. */
    static void exit(String suite) {
        System.out.println(suite + ": " + passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
