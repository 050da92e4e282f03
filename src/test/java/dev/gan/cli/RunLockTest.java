package dev.gan.cli;

import dev.gan.GanProcess;
import dev.gan.TestRuns;
import dev.gan.io.Checkpoints;
import dev.gan.io.RunLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One writer per run: a second gan writing into a run someone trains is stopped, a killed holder blocks nobody. */
class RunLockTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondWriterIsStoppedWithOneLineAndTheFirstFinishesAndResumes() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "k", "");
        Path run = tmp.resolve("runs/k-001");
        GanProcess first = GanProcess.start(tmp.resolve("first.txt"), "train", "--config", cfg.toString(), "--set",
                "training.steps=300", "--set", "output.checkpoint_every=30", "--set", "output.log_every=100");
        try {
            assertTrue(first.await(() -> holds(run, first.pid())
                    && !Checkpoints.stepFiles(run.resolve("checkpoints")).isEmpty(), 120), first.output());
            byte[] config = Files.readAllBytes(run.resolve("config.yaml"));
            byte[] command = Files.readAllBytes(run.resolve("command.txt"));
            String holder = Pattern.quote(run + ": in use by gan train (pid " + first.pid() + " on ")
                    + "[^,]+, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"
                    + Pattern.quote("); wait for it to finish, or stop it (kill " + first.pid() + ") and resume it: "
                    + "gan train --resume " + run);
            for (TestRuns.Result second : List.of(gan("train", "--resume", run.toString()),
                    gan("train", "--config", cfg.toString(), "--run-dir", run.toString()))) {
                assertEquals(2, second.exit(), second.toString());
                assertTrue(second.err().strip().matches(holder), second.err());
                assertEquals(1, second.err().strip().lines().count(), second.err());
            }
            TestRuns.Result report = gan("report", run.toString());
            assertEquals(2, report.exit(), report.toString());
            assertTrue(report.err().strip().endsWith("its report.html is rewritten by that process as it trains; open "
                    + "that, or run gan report again when it has finished"), report.err());
            TestRuns.Result eval = gan("eval", "--checkpoint", run.toString());   // scores into <run>/eval/
            assertTrue(eval.err().startsWith(run + ": in use by gan train (pid " + first.pid()), eval.err());
            assertEquals(2, eval.exit(), eval.toString());
            assertTrue(eval.err().strip().endsWith("; wait for it to finish, or give --out FILE to write the scores "
                    + "elsewhere"), eval.err());
            assertArrayEquals(config, Files.readAllBytes(run.resolve("config.yaml")), "the refused writers wrote nothing");
            assertArrayEquals(command, Files.readAllBytes(run.resolve("command.txt")));
            assertEquals(0, first.waitFor(300), first.output());
        } finally {
            first.kill();
        }
        assertTrue(Files.readString(run.resolve("log.txt")).contains("done at step 300/300"));
        assertEquals(0, gan("report", run.toString()).exit(), "a finished run's report needs no waiting");
        TestRuns.Result resumed = gan("train", "--resume", run.toString(), "--set", "training.steps=306");
        assertEquals(0, resumed.exit(), resumed.toString());
        String log = Files.readString(run.resolve("log.txt"));
        assertTrue(log.contains("resuming " + run + " at step 300") && log.contains("done at step 306/306"), log);
    }

    @Test
    void aLockLeftByAKilledProcessDoesNotBlockTheNextRun() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "k", "");
        Path run = tmp.resolve("runs/k-001");
        GanProcess killed = GanProcess.start(tmp.resolve("killed.txt"), "train", "--config", cfg.toString(), "--set",
                "training.steps=100000", "--set", "output.checkpoint_every=20", "--set", "output.sample_every=100000");
        try {
            assertTrue(killed.await(() -> !Checkpoints.stepFiles(run.resolve("checkpoints")).isEmpty(), 120),
                    killed.output());
        } finally {
            killed.kill();   // kill -9: no shutdown hook, the lock file stays with the dead pid in it
        }
        assertTrue(Files.readString(run.resolve(RunLock.FILE)).contains("pid=" + killed.pid()));
        List<Path> left = Checkpoints.stepFiles(run.resolve("checkpoints"));
        long at = Checkpoints.readState(left.get(left.size() - 1)).step();
        TestRuns.Result next = gan("train", "--resume", run.toString(), "--set", "training.steps=" + (at + 4));
        assertEquals(0, next.exit(), next.toString());
        assertTrue(Files.readString(run.resolve("log.txt")).contains("resuming " + run + " at step " + at));
    }

    @Test
    void aSweepFolderHasTheSameLock() throws Exception {
        Path plan = tmp.resolve("s.yaml");
        Files.writeString(plan, """
                name: s
                sweeps_dir: %s
                base:
                  seed: 7
                  data: {images: data/fashion-mnist/t10k-images-idx3-ubyte.gz, limit: 64}
                  model: {latent_size: 16, g_width: 8, d_width: 8}
                  training: {batch_size: 16, steps: 2}
                """.formatted(tmp.resolve("sweeps")));
        assertEquals(0, gan("sweep", "--plan", plan.toString()).exit());
        Path folder = tmp.resolve("sweeps/s-001");
        try (RunLock held = RunLock.acquire(folder, "gan sweep", h -> "wait")) {
            TestRuns.Result second = gan("sweep", "--plan", plan.toString());
            assertEquals(2, second.exit(), second.toString());
            assertTrue(second.err().strip().matches(Pattern.quote(folder + ": in use by gan sweep (pid "
                    + ProcessHandle.current().pid() + " on ") + ".*" + Pattern.quote("; wait for it to end, or stop it "
                    + "(kill " + ProcessHandle.current().pid() + ", as Ctrl-C: its runs write a checkpoint) and run "
                    + "the sweep again")), second.err());
            assertEquals(2, gan("report", folder.toString()).exit(), "a running sweep writes its own report");
        }
        assertEquals(0, gan("report", folder.toString()).exit());
    }

    @Test
    void oneProcessHoldsARunOnceAndLetsGoOfIt() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        try (RunLock lock = RunLock.acquire(run, "gan train", h -> "wait")) {
            assertEquals(null, RunLock.tryAcquire(run, "gan report"));
            assertEquals(Long.toString(ProcessHandle.current().pid()), RunLock.holder(run).pid());
        }
        assertEquals(null, RunLock.holder(run), "closed: free again, though the file stays");
        assertTrue(Files.exists(run.resolve(RunLock.FILE)));
        Files.writeString(run.resolve(RunLock.FILE), "not a lock file's text");
        try (RunLock again = RunLock.acquire(run, "gan train", h -> "wait")) {
            assertTrue(Files.readString(run.resolve(RunLock.FILE)).startsWith("pid=" + ProcessHandle.current().pid()));
        }
    }

    /** The run's lock file names this pid: the trainer has the lock (it writes the file right after taking it). */
    private static boolean holds(Path run, long pid) {
        try {
            return Files.readString(run.resolve(RunLock.FILE)).contains("pid=" + pid + "\n");
        } catch (Exception e) {
            return false;
        }
    }
}
