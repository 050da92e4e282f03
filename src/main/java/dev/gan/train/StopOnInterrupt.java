package dev.gan.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A clean stop on Ctrl-C (or SIGTERM): the loop is asked to stop after the current step, and the JVM's exit is held
 * (up to 2 minutes) until the run has written its final checkpoint and closing line.
 */
final class StopOnInterrupt {
    private StopOnInterrupt() {
    }

    /** Runs {@code body} with the stop hook installed for {@code run}. */
    static <T> T around(TrainingRun run, Supplier<T> body) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            run.requestStop();
            try {
                done.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gan-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.get();
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook is running and has been released
            }
        }
    }
}
