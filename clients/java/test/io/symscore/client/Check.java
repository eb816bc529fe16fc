package io.symscore.client;

import java.util.Objects;

/** A minimal assertion helper for the test mains: counts checks, prints failures. */
final class Check {
    private static int passed;
    private static int failed;

    private Check() {
    }

    static void ok(String name, boolean cond, String detail) {
        if (cond) {
            passed++;
        } else {
            failed++;
            System.out.println("FAIL " + name + (detail == null ? "" : ": " + detail));
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
            failed++;
            System.out.println("FAIL " + name + ": want " + want.getSimpleName() + " got " + t);
            return null;
        }
        failed++;
        System.out.println("FAIL " + name + ": want " + want.getSimpleName() + ", nothing thrown");
        return null;
    }

    /** Runs a group of checks; an unexpected exception counts as one failure. */
    static void group(String name, ThrowingRunnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            failed++;
            System.out.println("FAIL " + name + ": unexpected " + t);
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
