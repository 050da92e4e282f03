package dev.gan.experiment;

import dev.gan.UserException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One array task of a Slurm sweep ({@code gan sweep-task <folder> <run number>}, what the batch script runs): trains
 * the run exactly as the local executor does - {@code gan train --run-dir} in a child process, output appended to
 * the run's {@code console.txt}, continuing from its latest checkpoint when it has one - and keeps its
 * {@code status.json} and the sweep's summary up to date. Its exit code is the training process's, so Slurm's
 * records show 0, 1 or 2 (143: stopped by a signal, with a checkpoint).
 *
 * <p>SIGTERM (preemption, requeue, scancel, the batch shell passing on the time-limit warning) is passed to the
 * trainer, which finishes its step and writes a checkpoint; the task records the run as interrupted before the JVM
 * exits.
 */
public final class SlurmTask {
    /** How long a stopping task waits for the trainer's checkpoint (Slurm's KillWait is usually shorter). */
    private static final long STOP_WAIT_MINUTES = 3;

    private SlurmTask() {
    }

    /** Runs run number {@code index} of the sweep in {@code root}; returns the training process's exit code. */
    public static int run(Path root, int index, PrintStream out) {
        SweepFolder folder = new SweepFolder(root);
        SweepPlan plan = SlurmJobs.plan(folder);
        if (index < 1 || index > plan.runs().size()) {
            throw new UserException("run number " + index + " is not in " + folder.file(SweepFolder.SWEEP) + " (it has "
                    + plan.runs().size() + " runs)");
        }
        PlannedRun run = plan.runs().get(index - 1);
        Path dir = folder.runDir(run);
        String label = String.format(Locale.ROOT, "[%d/%d] %s", index, plan.runs().size(), run.name());
        RunStatus status = RunStatus.read(dir);
        if (status.state().equals(RunStatus.DONE)) {
            out.println(label + ": already done; nothing to run");
            return 0;
        }
        folder.prepare(plan);   // a deleted run directory is simply run again, as locally
        status = status.started(Instant.now().toString());
        status.write(dir);
        String job = System.getenv().getOrDefault("SLURM_ARRAY_JOB_ID", "?") + "_" + index;
        TrainProcess.appendConsole(dir, String.format(Locale.ROOT, "gan sweep: attempt %d, Slurm job %s on %s%s",
                status.attempts(), job, System.getenv().getOrDefault("SLURMD_NODENAME", "?"),
                System.getenv().getOrDefault("SLURM_RESTART_COUNT", "0").equals("0") ? ""
                        : " (requeued " + System.getenv("SLURM_RESTART_COUNT") + "x)"));
        out.println(label + ": " + (status.attempts() > 1 ? "resumed" : "started") + " as job " + job);

        long t0 = System.nanoTime();
        Process process;
        try {
            process = TrainProcess.builder(dir, TrainProcess.threadsPerRun(1)).start();
        } catch (IOException e) {
            TrainProcess.appendConsole(dir, "gan sweep: cannot start the training process: " + e.getMessage());
            status.ended(RunStatus.FAILED, -1, 0, Instant.now().toString()).write(dir);
            writeSummary(plan, folder);
            throw new UncheckedIOException(e);
        }
        CountDownLatch recorded = new CountDownLatch(1);
        boolean[] stopping = {false};
        Thread hook = new Thread(() -> {
            synchronized (stopping) {
                stopping[0] = true;
            }
            process.destroy();   // SIGTERM: the trainer's own hook checkpoints
            try {
                recorded.await(STOP_WAIT_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gan-sweep-task-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            code = waitFor(process);
            double seconds = (System.nanoTime() - t0) / 1e9;
            boolean stopped;
            synchronized (stopping) {
                stopped = stopping[0];
            }
            String state = code == 0 ? RunStatus.DONE : code > 128 || stopped ? RunStatus.INTERRUPTED : RunStatus.FAILED;
            RunStatus end = status.ended(state, code, seconds, Instant.now().toString());
            end.write(dir);
            writeSummary(plan, folder);
            out.println(label + ": " + switch (state) {
                case RunStatus.DONE -> String.format(Locale.ROOT, "done in %.1f s", seconds);
                case RunStatus.INTERRUPTED -> "interrupted (exit " + code + ") at its last checkpoint";
                default -> "FAILED (exit " + code + "); log: " + dir.resolve(TrainProcess.CONSOLE);
            });
        } finally {
            recorded.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (SIGTERM): the hook has done its part
        }
        return code;
    }

    private static int waitFor(Process process) {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                // keep waiting: the status must say how the trainer ended
            }
        }
    }

    /**
     * Rewrites summary.csv / summary.md under a lock: tasks on several nodes end at once, and the summary's temporary
     * file has one name.
     */
    public static void writeSummary(SweepPlan plan, SweepFolder folder) {
        Path lockFile = folder.file(SlurmJobs.DIR).resolve("summary.lock");
        try {
            Files.createDirectories(lockFile.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                SweepSummary.collect(plan, folder).write();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
