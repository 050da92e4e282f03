package dev.gan.experiment;

import dev.gan.TestRuns;
import dev.gan.io.Checkpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code gan sweep --executor slurm} on a real Slurm (scripts/slurm-local.sh; .ci/run starts it): the example plan
 * through a job array, preemption and the time-limit warning mid-run ending with the parameters of an uninterrupted
 * run, a failing task, and the three ways submission fails. In CI a missing Slurm fails these tests; elsewhere they
 * are skipped with a message naming the script.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SlurmSweepTest {
    @TempDir
    Path tmp;

    /** Why there is no Slurm to test against, or null when there is one; asked once per test class. */
    private static String unavailable;

    @BeforeAll
    static void askSlurm() throws Exception {
        if (!SlurmClient.onPath("sinfo") || !SlurmClient.onPath("sbatch")) {
            unavailable = "the Slurm client commands are not on the PATH";
            return;
        }
        Process p = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty() || out.contains("error")) {
            unavailable = "sinfo says: " + (out.isEmpty() ? "no nodes" : out.lines().findFirst().orElse(""));
        }
    }

    /** Each test is skipped (or, in CI, fails) with a message naming the script that starts a Slurm. */
    @BeforeEach
    void slurmIsUp() {
        if (unavailable == null) return;
        String message = "no Slurm to test against (" + unavailable + "); start one with scripts/slurm-local.sh start";
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty() && !ci.equals("false")) fail(message + " (.ci/run does, before mvn -B test)");
        Assumptions.assumeTrue(false, message);
    }

    /** A failed test leaves no task of its sweeps behind to slow down the next one. */
    @AfterEach
    void cancelLeftovers() throws IOException {
        if (!Files.isDirectory(tmp.resolve("sweeps"))) return;
        try (Stream<Path> s = Files.list(tmp.resolve("sweeps"))) {
            for (Path sweep : s.toList()) {
                List<String> ids = SlurmJobs.read(new SweepFolder(sweep)).jobIds();
                if (!ids.isEmpty()) new ProcessBuilder(Stream.concat(Stream.of("scancel"), ids.stream()).toList()).start();
            }
        }
    }

    @Test
    void theExamplePlanRunsAsAJobArrayAndIsSummarisedLikeALocalSweep() throws Exception {
        // configs/sweeps/lr-beta.yaml with small step counts: its base, runs, grid and seeds as shipped
        String example = Files.readString(Path.of("configs/sweeps/lr-beta.yaml"))
                .replace("base: ../dcgan.yaml", "base: " + Path.of("configs/dcgan.yaml").toAbsolutePath())
                .replaceAll("training\\.steps: \\d+", "training.steps: 4")
                .replaceAll("data\\.limit: \\d+", "data.limit: 256");
        assertTrue(example.contains("training.steps: 4"), example);
        Path plan = tmp.resolve("lr-beta.yaml");
        Files.writeString(plan, example + "\nsweeps_dir: " + tmp.resolve("sweeps") + "\n");

        TestRuns.Result r = gan("sweep", "--plan", plan.toString(), "--executor", "slurm", "--wait");
        assertEquals(0, r.exit(), r.toString());
        Path sweep = tmp.resolve("sweeps/lr-beta-001");
        String jobId = SlurmJobs.read(new SweepFolder(sweep)).jobs().get(0).jobId();
        assertTrue(r.out().contains("submitted Slurm job " + jobId + ": 4 tasks (runs 1-4), script "
                + sweep.resolve("slurm/submit-001.sbatch")), r.out());
        assertTrue(r.out().contains("4 runs: 4 done; summary in " + sweep.resolve("summary.md")), r.out());

        List<String> csv = Files.readAllLines(sweep.resolve("summary.csv"));
        assertEquals("run,status,training.g.lr,training.d.lr,training.g.beta1,seed,steps,wall_s,img_per_s,loss_d,loss_g,"
                + "d_x,d_g_z,fid,kid,inception_score,precision,recall,coverage,entropy_nats,conditional_accuracy,"
                + "exit_code,attempts,log", csv.get(0), "the columns of a local sweep (the example plan scores its runs)");
        assertEquals(5, csv.size(), "one row per run");
        for (String row : csv.subList(1, 5)) {
            assertTrue(row.contains(",done,") && row.contains(",1,4,") && row.contains(",0,1,"), row);
        }
        assertTrue(Files.readString(sweep.resolve("001_g.lr-0.0002_d.lr-0.0002_beta1-0.5_seed-1/console.txt"))
                .startsWith("gan sweep: attempt 1, Slurm job " + jobId + "_1 on "));

        // submitting again submits nothing; --status shows every run done
        TestRuns.Result again = gan("sweep", "--plan", plan.toString(), "--executor", "slurm");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("4 runs; 4 done, 0 to submit"), again.out());
        assertEquals(1, SlurmJobs.read(new SweepFolder(sweep)).jobs().size());
        TestRuns.Result status = gan("sweep", "--status", sweep.toString());
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().startsWith("sweep " + sweep + ": 4 runs; 4 done\n"), status.out());
    }

    @Test
    void preemptedAndTimedOutRunsResumeToTheSameResultAndAFailedTaskStopsNoOther() throws Exception {
        // three runs that train alike (they differ in how many checkpoints they keep) and one with missing data
        Path plan = SweepPlans.write(tmp, "pre", """
                set:
                  training.steps: 40
                  output: {log_every: 4, sample_every: 1000, checkpoint_every: 3}
                runs:
                  - {output.keep_checkpoints: 2}
                  - {output.keep_checkpoints: 3}
                  - {output.keep_checkpoints: 4}
                  - {data.images: %s}
                """.formatted(tmp.resolve("missing.gz")));
        TestRuns.Result submitted = gan("sweep", "--plan", plan.toString(), "--executor", "slurm");
        assertEquals(0, submitted.exit(), submitted.toString());
        Path sweep = tmp.resolve("sweeps/pre-001");
        String job = SlurmJobs.read(new SweepFolder(sweep)).jobs().get(0).jobId();
        List<Path> runs;
        try (Stream<Path> s = Files.list(sweep)) {
            runs = s.filter(p -> p.getFileName().toString().matches("\\d{3}_.*")).sorted().toList();
        }
        assertEquals(4, runs.size());

        // run 2 is preempted (requeued) mid-run; --status says so while it waits
        awaitCheckpoint(runs.get(1));
        slurm("scontrol", "requeue", job + "_2");
        awaitRequeued(job + "_2");
        TestRuns.Result status = gan("sweep", "--status", sweep.toString());
        assertTrue(status.out().lines().anyMatch(l -> l.matches(runs.get(1).getFileName() + " +preempted +job " + job
                + "_2 requeued 1x, waiting \\(BeginTime\\); resumes from step-0000\\d\\d\\.zip")), status.out());
        startNow(job + "_2");

        // run 3 gets the time-limit warning (--signal=B:USR1@N sends this to the batch shell): it requeues itself
        awaitCheckpoint(runs.get(2));
        slurm("scancel", "--batch", "--signal=USR1", job + "_3");
        awaitRequeued(job + "_3");
        startNow(job + "_3");

        TestRuns.Result done = gan("sweep", "--status", sweep.toString(), "--wait");
        assertEquals(1, done.exit(), done.toString());
        Path bad = runs.get(3);
        assertEquals("failed: " + bad.getFileName() + " (exit 2), log " + bad.resolve("console.txt"), done.err().strip());
        assertTrue(done.out().contains("4 runs: 3 done, 1 failed"), done.out());
        assertTrue(Files.readString(bad.resolve("console.txt")).contains(tmp.resolve("missing.gz") + ": no such file"));

        RunStatus straight = RunStatus.read(runs.get(0));
        assertEquals(List.of(RunStatus.DONE, 1), List.of(straight.state(), straight.attempts()));
        for (Path resumed : runs.subList(1, 3)) {
            RunStatus s = RunStatus.read(resumed);
            assertEquals(List.of(RunStatus.DONE, 2), List.of(s.state(), s.attempts()), resumed.toString());
            String log = Files.readString(resumed.resolve("log.txt"));
            assertTrue(log.contains("stopped at step ") && log.contains("resuming " + resumed + " at step "), log);
            // the same parameters as the run that was never interrupted
            Checkpoints.Checkpoint a = Checkpoints.read(runs.get(0).resolve("checkpoints/step-000040.zip"), true);
            Checkpoints.Checkpoint b = Checkpoints.read(resumed.resolve("checkpoints/step-000040.zip"), true);
            assertClose(a.generator().params(), b.generator().params());
            assertClose(a.discriminator().params(), b.discriminator().params());
            assertEquals(a.state().batchesDrawn(), b.state().batchesDrawn());
        }
        RunStatus failed = RunStatus.read(bad);
        assertEquals(List.of(RunStatus.FAILED, 2, 1), List.of(failed.state(), failed.exitCode(), failed.attempts()));
        assertTrue(Files.readString(sweep.resolve("slurm/" + job + "_3.out")).contains("gan sweep: time limit near; "
                + "requeueing task 3"));

        // submitting again leaves the failed run alone unless asked
        TestRuns.Result again = gan("sweep", "--plan", plan.toString(), "--executor", "slurm");
        assertTrue(again.out().contains("3 done, 0 to submit, 1 failed (skipped; --retry-failed submits them again)"),
                again.out());
    }

    @Test
    void submissionErrorsAreOneLineAndLoseNothing() throws Exception {
        Path plan = SweepPlans.write(tmp, "err", "");
        Path sweep = tmp.resolve("sweeps/err-001");

        // no sbatch on the PATH: nothing is created
        Child noClient = child(Map.of("PATH", "/nonexistent"), "sweep", "--plan", plan.toString(), "--executor", "slurm");
        assertEquals(2, noClient.exit(), noClient.out());
        assertEquals("sbatch: not found on the PATH; --executor slurm needs the Slurm client commands: run gan where "
                + "they are (a cluster's login node), or start a one-node Slurm here with scripts/slurm-local.sh start",
                noClient.out().strip());
        assertFalse(Files.exists(tmp.resolve("sweeps")));

        // Slurm refuses the job
        TestRuns.Result refused = gan("sweep", "--plan", plan.toString(), "--executor", "slurm", "--slurm",
                "partition=nope");
        assertEquals(2, refused.exit(), refused.toString());
        assertEquals("sbatch refused the job: Batch job submission failed: Invalid partition name specified (slurm "
                + "settings: partition=nope, cpus_per_task=1; script " + sweep.resolve("slurm/submit-001.sbatch")
                + "); fix the plan's slurm: section or give --slurm key=value", refused.err().strip());
        assertFalse(Files.exists(sweep.resolve("slurm.json")), "no job was recorded");
        Map<String, String> before = contents(sweep);

        // the controller does not answer: a config naming a port nobody listens on
        Path conf = tmp.resolve("unreachable.conf");
        String live = System.getenv().getOrDefault("SLURM_CONF", "/etc/slurm/slurm.conf");
        Files.writeString(conf, Files.readString(Path.of(live)).replaceAll("(?m)^SlurmctldPort=.*\n", "")
                + "SlurmctldPort=1\nMessageTimeout=1\n");
        Child down = child(Map.of("SLURM_CONF", conf.toString()), "sweep", "--plan", plan.toString(), "--executor",
                "slurm");
        assertEquals(1, down.exit(), down.out());
        assertTrue(down.out().strip().endsWith("sbatch: cannot reach the Slurm controller (Batch job submission failed: "
                + "Unable to contact slurm controller (connect failure)); check that slurmctld runs (scontrol ping; "
                + "here: scripts/slurm-local.sh status) and SLURM_CONF, then run the same command again: the sweep "
                + "folder is unchanged"), down.out());
        assertEquals(before, contents(sweep), "the sweep folder is as it was");
    }

    /**
     * Every file of a folder with its text, but what each attempt rewrites from the rest: the batch scripts, the
     * sweep's report.html (it carries the time it was written) and the lock file (it names the attempt that holds it).
     */
    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".sbatch") && !name.equals("report.html") && !name.equals(".lock")) {
                    out.put(dir.relativize(p).toString(), Files.readString(p));
                }
            }
        }
        return out;
    }

    private static void awaitCheckpoint(Path run) throws Exception {
        await(() -> !Checkpoints.stepFiles(run.resolve("checkpoints")).isEmpty(), "a checkpoint in " + run);
    }

    private static void awaitRequeued(String task) throws Exception {
        await(() -> slurm("squeue", "-h", "-t", "all", "-j", task, "-O", "State:|,RestartCnt:|").strip()
                .matches("PENDING\\|[1-9].*"), task + " requeued");
    }

    /**
     * A requeued job waits about two minutes before Slurm starts it again (its launch credential must expire); the
     * test does not: the scheduling delay is Slurm's, the resume is what is tested. It does wait two seconds, though:
     * slurmd refuses a launch credential made in the same second as the requeue revoked the old one (it compares
     * whole seconds), and Slurm then ends the task as failed instead of starting it ("Job credential revoked").
     */
    private static void startNow(String task) throws InterruptedException {
        Thread.sleep(2_000);
        slurm("scontrol", "update", "JobId=" + task, "StartTime=now");
    }

    private static void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    private static String slurm(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
            return out;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Exit code and output (both streams) of {@code gan} in a JVM of its own, with some environment changed. */
    private record Child(int exit, String out) {
    }

    private Child child(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "dev.gan.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Child(p.exitValue(), out);
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-6 * scale, "max |diff| " + diff + " vs scale " + scale);
    }
}
