package dev.gan.experiment;

import dev.gan.io.RunLock;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sweep's runs that still need running, {@code parallel} training processes at a time, keeping each run's
 * {@code status.json} and the summary up to date as runs end.
 *
 * <p>Ctrl-C (or SIGTERM) stops cleanly: no new run starts, every running child gets SIGTERM - its own shutdown hook
 * finishes the current step and writes a checkpoint - and the sweep waits for them, marks them interrupted and
 * rewrites the summary. Running the sweep again continues each interrupted run from its last checkpoint.
 */
public final class SweepRunner {
    /** How long Ctrl-C waits for the children's final checkpoints (a child itself waits up to 2 minutes). */
    private static final long STOP_WAIT_MINUTES = 3;

    /**
     * @param parallel    training processes at once
     * @param retryFailed run failed runs again (otherwise only pending and interrupted ones run)
     * @param log         where progress lines go
     */
    public record Options(int parallel, boolean retryFailed, PrintStream log) {
    }

    private final SweepPlan plan;
    private final SweepFolder folder;
    private final Options options;
    private int threads;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private ExecutorService pool;

    private SweepRunner(SweepPlan plan, SweepFolder folder, Options options) {
        this.plan = plan;
        this.folder = folder;
        this.options = options;
    }

    /** Runs what is left of the sweep and returns its summary as it stands at the end. */
    public static SweepSummary run(SweepPlan plan, SweepFolder folder, Options options) {
        return new SweepRunner(plan, folder, options).run();
    }

    private SweepSummary run() {
        try (RunLock lock = lock(folder)) {
            folder.prepare(plan);
            List<PlannedRun> todo = new ArrayList<>();
            int done = 0, failed = 0;
            for (PlannedRun r : plan.runs()) {
                RunStatus s = RunStatus.read(folder.runDir(r));
                if (s.toRun(options.retryFailed())) todo.add(r);
                else if (s.state().equals(RunStatus.DONE)) done++;
                else failed++;
            }
            // the cores are shared by the runs that can go at once, not by more than there are
            int atOnce = Math.min(options.parallel(), Math.max(1, todo.size()));
            threads = TrainProcess.threadsPerRun(atOnce);
            options.log().printf(Locale.ROOT, "sweep %s: %d run%s; %d done, %d to run%s; %d at a time, %d OpenMP "
                            + "thread%s each%n", folder.root(), plan.runs().size(), plan.runs().size() == 1 ? "" : "s",
                    done, todo.size(),
                    failed > 0 ? ", " + failed + " failed (skipped; --retry-failed runs them again)" : "",
                    atOnce, threads, threads == 1 ? "" : "s");
            SweepSummary.collect(plan, folder).write();
            pool = Executors.newFixedThreadPool(options.parallel());
            Thread hook = new Thread(this::stopAll, "gan-sweep-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                for (PlannedRun r : todo) pool.submit(() -> runOne(r));
                pool.shutdown();
                awaitPool(Long.MAX_VALUE);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down (Ctrl-C): the hook is running and stops the children
                }
            }
            SweepSummary summary = SweepSummary.collect(plan, folder);
            summary.write();
            return summary;
        }
    }

    /** One sweep at a time per folder, local or submitting to Slurm: two would start the same runs twice. */
    static RunLock lock(SweepFolder folder) {
        return RunLock.acquire(folder.root(), "gan sweep", h -> "wait for it to end, or stop it (kill "
                + (h.pid() == null ? "PID" : h.pid()) + ", as Ctrl-C: its runs write a checkpoint) and run the "
                + "sweep again");
    }

    private void runOne(PlannedRun run) {
        Path dir = folder.runDir(run);
        String label = String.format(Locale.ROOT, "[%d/%d] %s", run.index(), plan.runs().size(), run.name());
        RunStatus status = RunStatus.read(dir);
        boolean resumed = status.attempts() > 0;
        Process process;
        long t0 = System.nanoTime();
        synchronized (this) {
            if (stopping) return;
            status = status.started(Instant.now().toString());
            status.write(dir);
            try {
                process = TrainProcess.builder(dir, threads).start();
            } catch (IOException e) {
                TrainProcess.appendConsole(dir, "gan sweep: cannot start the training process: " + e.getMessage());
                finish(run, status.ended(RunStatus.FAILED, -1, 0, Instant.now().toString()), label, 0);
                return;
            }
            live.add(process);
        }
        options.log().println(label + ": " + (resumed ? "resumed" : "started"));
        int code = waitFor(process);
        live.remove(process);
        double seconds = (System.nanoTime() - t0) / 1e9;
        // > 128: ended by a signal (Ctrl-C, SIGTERM, a kill): the checkpoint it wrote is where it resumes
        String state = code == 0 ? RunStatus.DONE
                : code > 128 || stopping ? RunStatus.INTERRUPTED : RunStatus.FAILED;
        finish(run, status.ended(state, code, seconds, Instant.now().toString()), label, seconds);
    }

    private int waitFor(Process process) {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                // the pool is never interrupted; keep waiting so the status says how the child ended
            }
        }
    }

    private synchronized void finish(PlannedRun run, RunStatus status, String label, double seconds) {
        Path dir = folder.runDir(run);
        status.write(dir);
        String how = switch (status.state()) {
            case RunStatus.DONE -> String.format(Locale.ROOT, "done in %.1f s", seconds);
            case RunStatus.INTERRUPTED -> "interrupted (exit " + status.exitCode() + "); run the sweep again to resume it";
            default -> "FAILED (exit " + status.exitCode() + "); log: " + dir.resolve(TrainProcess.CONSOLE);
        };
        options.log().println(label + ": " + how);
        SweepSummary.collect(plan, folder).write();
    }


    /** The shutdown hook: no new runs, SIGTERM to the running ones, wait for their checkpoints and statuses. */
    private void stopAll() {
        List<Process> running;
        synchronized (this) {
            stopping = true;
            running = List.copyOf(live);
        }
        if (!running.isEmpty()) {
            options.log().println("gan sweep: stopping " + running.size() + " run" + (running.size() == 1 ? "" : "s")
                    + " after the current step (checkpoints are written; run the sweep again to resume)");
        }
        running.forEach(Process::destroy);
        awaitPool(TimeUnit.MINUTES.toMillis(STOP_WAIT_MINUTES));
    }

    private void awaitPool(long millis) {
        try {
            if (!pool.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                options.log().println("gan sweep: runs still going after " + STOP_WAIT_MINUTES + " minutes; leaving them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
