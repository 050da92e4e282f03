package dev.gan.experiment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gan.TestRuns;
import dev.gan.io.Checkpoints;
import dev.gan.io.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gan sweep} as a user meets it: dry run, a bad plan, real training processes on tiny configs, the summary,
 * exit codes, and resuming after a run was interrupted - by hand and by stopping the sweep process itself.
 */
class SweepCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @TempDir
    Path tmp;

    @Test
    void help() {
        TestRuns.Result r = gan("sweep", "--help");
        assertEquals(0, r.exit(), r.toString());
        for (String option : List.of("--plan", "--parallel", "--dry-run", "--retry-failed", "--new", "--json",
                "--executor", "--slurm", "--status", "--wait")) {
            assertTrue(r.out().contains(option), option + " in " + r.out());
        }
        assertTrue(gan("--help").out().contains("sweep"));
        assertFalse(gan("--help").out().contains("sweep-task"), "what a Slurm task runs is not a user's command");
        TestRuns.Result none = gan("sweep");
        assertEquals(2, none.exit());
        assertTrue(none.err().startsWith("Missing required option: '--plan=FILE'"), none.err());
    }

    @Test
    void dryRunListsTheRunsAndCreatesNothing() throws Exception {
        Path plan = SweepPlans.write(tmp, "dry", "grid:\n  training.g.lr: [1.0e-4, 2.0e-4]\nseeds: [1, 2]\n");
        TestRuns.Result r = gan("sweep", "--plan", plan.toString(), "--dry-run");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("sweep dry: 4 runs from " + plan + "; a new folder under " + tmp.resolve("sweeps") + "\n"
                + "001_lr-0.0001_seed-1  training.g.lr=0.0001 seed=1\n"
                + "002_lr-0.0001_seed-2  training.g.lr=0.0001 seed=2\n"
                + "003_lr-0.0002_seed-1  training.g.lr=0.0002 seed=1\n"
                + "004_lr-0.0002_seed-2  training.g.lr=0.0002 seed=2\n", r.out());
        TestRuns.Result json = gan("sweep", "--plan", plan.toString(), "--dry-run", "--json");
        JsonNode runs = JSON.readTree(json.out()).get("runs");
        assertEquals(4, runs.size());
        assertEquals("0.0002", runs.get(3).get("overrides").get("training.g.lr").asText());
        assertFalse(Files.exists(tmp.resolve("sweeps")), "a dry run creates nothing");
    }

    @Test
    void theShippedExamplePlanIsValid() {
        TestRuns.Result r = gan("sweep", "--plan", "configs/sweeps/lr-beta.yaml", "--dry-run");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("sweep lr-beta: 4 runs from configs/sweeps/lr-beta.yaml"), r.out());
        assertTrue(r.out().contains("004_g.lr-0.0001_d.lr-0.0004_beta1-0.9_seed-1"), r.out());
        // it scores its runs with the shipped classifier and ranks them by FID, not by a loss
        SweepPlan plan = PlanReader.read(Path.of("configs/sweeps/lr-beta.yaml"));
        assertEquals("fid", plan.sortBy());
        assertEquals(100, plan.runs().get(0).config().training().evalEvery());
        assertEquals("classifiers/fashion-mnist.zip", plan.runs().get(0).config().training().evalClassifier());
        assertTrue(Files.isRegularFile(Path.of(plan.runs().get(0).config().training().evalClassifier())));
        assertFalse(r.out().contains("Note:"), r.out());
    }

    /** Sorting by a loss is allowed, and the dry run and the summary say what such an order is worth. */
    @Test
    void aPlanSortedByALossSaysLossesDoNotRankQuality() throws Exception {
        Path file = SweepPlans.write(tmp, "byloss", "grid:\n  training.g.lr: [1.0e-4, 2.0e-4]\nsort_by: loss_g\n");
        String note = "Note: sorted by loss_g, a training value: a GAN's losses do not rank image quality (a winning D "
                + "gives G a large loss, a collapsed G can have a small one); score the runs with training.eval_every "
                + "and a classifier, and sort by fid";
        TestRuns.Result r = gan("sweep", "--plan", file.toString(), "--dry-run");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().endsWith(note + "\n"), r.out());
        SweepPlan plan = PlanReader.read(file);
        SweepFolder folder = SweepFolder.create(plan);
        SweepSummary.collect(plan, folder).write();
        assertTrue(Files.readString(folder.file(SweepFolder.SUMMARY_MD)).contains("smallest first.\n\n" + note + ".\n"));
    }

    @Test
    void aBadPlanExitsWith2BeforeAnythingIsCreated() throws Exception {
        Path plan = SweepPlans.write(tmp, "bad", "grid:\n  training.d_steps: [1, 0]\n");
        TestRuns.Result r = gan("sweep", "--plan", plan.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals(plan + ":12: training.d_steps must be between 1 and 100 (got 0) (in run 002_d_steps-0)",
                r.err().strip());
        assertFalse(Files.exists(tmp.resolve("sweeps")), "no run starts, no folder is made, for a bad plan");
        assertEquals(2, gan("sweep", "--plan", plan.toString(), "--parallel", "0").exit());
    }

    @Test
    void runsEverythingThenResumesOnlyWhatIsLeftAndSummarises() throws Exception {
        Path plan = SweepPlans.write(tmp, "res", "grid:\n  training.g.lr: [1.0e-4, 2.0e-4]\nsort_by: fid\n");
        TestRuns.Result first = gan("sweep", "--plan", plan.toString(), "--parallel", "2", "--json");
        assertEquals(0, first.exit(), first.toString());
        JsonNode summary = JSON.readTree(first.out());   // stdout is the JSON and nothing else
        assertEquals(List.of("done", "done"), field(summary, "status"));
        assertEquals(6, summary.get("runs").get(0).get("steps").asInt());
        assertTrue(Double.isFinite(summary.get("runs").get(0).get("loss_g").asDouble()));
        assertTrue(first.err().contains("2 runs: 2 done"), first.err());

        Path sweep = tmp.resolve("sweeps/res-001");
        Path one = sweep.resolve("001_lr-0.0001"), two = sweep.resolve("002_lr-0.0002");
        List<String> csv = Files.readAllLines(sweep.resolve("summary.csv"));
        assertEquals("run,status,training.g.lr,seed,steps,wall_s,img_per_s,loss_d,loss_g,d_x,d_g_z,exit_code,attempts,log",
                csv.get(0));
        assertEquals(3, csv.size());
        assertTrue(csv.get(1).startsWith("001_lr-0.0001,done,0.0001,7,6,"), csv.get(1));
        assertTrue(Files.readString(sweep.resolve("summary.md")).contains("| 002_lr-0.0002 | done | 0.0002 | 7 | 6 |"));
        assertTrue(Files.isRegularFile(one.resolve("checkpoints/step-000006.zip")));
        assertTrue(Files.readString(one.resolve("console.txt")).contains("[6/6]"));

        // --status names the sweep by its folder, or by a run or checkpoint in it, as other commands name a run
        TestRuns.Result byFolder = gan("sweep", "--status", sweep.toString());
        assertEquals(0, byFolder.exit(), byFolder.toString());
        assertTrue(byFolder.out().startsWith("sweep " + sweep + ": 2 runs; 2 done"), byFolder.out());
        for (Path inside : List.of(one, one.resolve("checkpoints/step-000006.zip"))) {
            TestRuns.Result r = gan("sweep", "--status", inside.toString());
            assertEquals(byFolder.out(), r.out(), inside.toString());
        }

        // run 2 interrupted after step 3: its last checkpoint is step 3, its status says so
        Files.delete(two.resolve("checkpoints/step-000006.zip"));
        RunStatus s2 = RunStatus.read(two);
        new RunStatus(RunStatus.INTERRUPTED, 143, s2.attempts(), s2.wallSeconds(), s2.started(), s2.finished()).write(two);
        long consoleOne = Files.size(one.resolve("console.txt"));
        TestRuns.Result again = gan("sweep", "--plan", plan.toString());
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("1 done, 1 to run") && again.out().contains("[2/2] 002_lr-0.0002: resumed")
                && !again.out().contains("[1/2]"), again.out());
        assertEquals(consoleOne, Files.size(one.resolve("console.txt")), "a finished run is not run again");
        assertEquals(1, RunStatus.read(one).attempts());
        assertEquals(2, RunStatus.read(two).attempts());
        assertEquals(RunStatus.DONE, RunStatus.read(two).state());
        assertTrue(Files.readString(two.resolve("log.txt")).contains("at step 3"), "resumed from its checkpoint");
        assertEquals(6, Checkpoints.readState(two.resolve("checkpoints/step-000006.zip")).step());
        double[] steps = MetricsLog.read(two.resolve("metrics.csv")).get("step");
        assertEquals(6, steps[steps.length - 1]);

        // an evaluation adds a column to metrics.csv: the summary shows it and sorts by it, as the plan asks
        addColumn(one.resolve("metrics.csv"), "fid", "30.5");
        addColumn(two.resolve("metrics.csv"), "fid", "20.25");
        TestRuns.Result third = gan("sweep", "--plan", plan.toString(), "--json");
        assertEquals(0, third.exit(), third.toString());
        JsonNode sorted = JSON.readTree(third.out());
        assertEquals(List.of("002_lr-0.0002", "001_lr-0.0001"), field(sorted, "run"));
        assertEquals(20.25, sorted.get("runs").get(0).get("metrics").get("fid").asDouble());
        List<String> csv2 = Files.readAllLines(sweep.resolve("summary.csv"));
        assertTrue(csv2.get(0).contains(",d_g_z,fid,exit_code,"), csv2.get(0));
        assertTrue(csv2.get(1).startsWith("002_lr-0.0002,") && csv2.get(1).contains(",20.2500,"), csv2.get(1));
        assertFalse(Files.exists(tmp.resolve("sweeps/res-002")), "the same plan keeps its folder");
    }

    @Test
    void aFailedRunExits1AndRunsAgainOnlyWithRetryFailed() throws Exception {
        Path data = tmp.resolve("fm.gz");
        Path plan = SweepPlans.write(tmp, "fail", "set:\n  data.images: " + data + "\n");
        TestRuns.Result r = gan("sweep", "--plan", plan.toString());
        assertEquals(1, r.exit(), r.toString());
        Path run = tmp.resolve("sweeps/fail-001/001");
        assertEquals("failed: 001 (exit 2), log " + run.resolve("console.txt"), r.err().strip());
        assertEquals(data + ": no such file; check data.images / data.labels in the config",
                Files.readString(run.resolve("console.txt")).strip());

        TestRuns.Result skipped = gan("sweep", "--plan", plan.toString());
        assertEquals(1, skipped.exit());
        assertTrue(skipped.out().contains("0 to run, 1 failed (skipped; --retry-failed runs them again)"), skipped.out());
        assertEquals(1, RunStatus.read(run).attempts());

        Files.copy(Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz"), data);
        TestRuns.Result retried = gan("sweep", "--plan", plan.toString(), "--retry-failed");
        assertEquals(0, retried.exit(), retried.toString());
        assertEquals(RunStatus.DONE, RunStatus.read(run).state());
        assertEquals(2, RunStatus.read(run).attempts());
    }

    @Test
    void stoppingTheSweepCheckpointsItsRunsAndTheSweepResumes() throws Exception {
        Path plan = SweepPlans.write(tmp, "stop", """
                set:
                  training.steps: 60
                  output: {log_every: 3, sample_every: 1000, checkpoint_every: 3}
                """);
        Path run = tmp.resolve("sweeps/stop-001/001");
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Djava.awt.headless=true", "-cp",
                System.getProperty("java.class.path"), "dev.gan.Main", "sweep", "--plan", plan.toString());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("sweep-out.txt").toFile());
        Process sweep = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (Checkpoints.stepFiles(run.resolve("checkpoints")).isEmpty() && sweep.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(sweep.isAlive(), "the run should still be training: " + Files.readString(tmp.resolve("sweep-out.txt")));
            sweep.destroy();   // SIGTERM, as Ctrl-C: the sweep passes it on and waits for the checkpoint
            assertTrue(sweep.waitFor(180, TimeUnit.SECONDS));
        } finally {
            sweep.destroyForcibly();
        }
        String out = Files.readString(tmp.resolve("sweep-out.txt"));
        assertNotEquals(0, sweep.exitValue(), out);
        assertEquals(RunStatus.INTERRUPTED, RunStatus.read(run).state(), out);
        List<Path> checkpoints = Checkpoints.stepFiles(run.resolve("checkpoints"));
        long stoppedAt = Checkpoints.readState(checkpoints.get(checkpoints.size() - 1)).step();
        assertTrue(stoppedAt > 0 && stoppedAt < 60, "stopped at " + stoppedAt);
        assertTrue(Files.readString(run.resolve("log.txt")).contains("stopped at step " + stoppedAt + "/60"));

        TestRuns.Result resumed = gan("sweep", "--plan", plan.toString());
        assertEquals(0, resumed.exit(), resumed.toString());
        assertTrue(resumed.out().contains("[1/1] 001: resumed"), resumed.out());
        assertTrue(Files.readString(run.resolve("log.txt")).contains("at step " + stoppedAt));
        assertEquals(60, Checkpoints.readState(run.resolve("checkpoints/step-000060.zip")).step());
    }

    private static List<String> field(JsonNode summary, String name) {
        List<String> out = new ArrayList<>();
        summary.get("runs").forEach(r -> out.add(r.get(name).asText()));
        return out;
    }

    /** Adds a column with a value on the last row, as an evaluation writing into metrics.csv would. */
    private static void addColumn(Path csv, String column, String value) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        for (int i = 0; i < lines.size(); i++) {
            lines.set(i, lines.get(i) + "," + (i == 0 ? column : i == lines.size() - 1 ? value : ""));
        }
        Files.write(csv, lines);
    }
}
