package dev.gan.train;

import dev.gan.TestRuns;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.data.Datasets;
import dev.gan.data.ImageSet;
import dev.gan.io.Checkpoints;
import dev.gan.io.RunDirectory;
import dev.gan.io.RunLog;
import dev.gan.model.GanShape;
import dev.gan.step.StepStats;
import dev.gan.system.Backend;
import dev.gan.train.listeners.CheckpointWriter;
import dev.gan.train.listeners.HealthWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The health watch on real tiny runs: a NaN that appears in the generator's parameters stops the run, leaves the
 * last good checkpoint as the newest, and the run resumes from it; a saturated discriminator and a collapsed
 * generator are reported (or stop the run when watch.stop is set).
 */
class HealthWatchTest {
    @TempDir
    Path tmp;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    /** A run of the tiny config, built the way TrainSession builds one, starting at {@code step}. */
    private TrainingRun tinyRun(String name, long step, String... sets) throws Exception {
        ExperimentConfig cfg = ConfigLoader.load(TestRuns.tinyConfig(tmp, name, ""), List.of(sets));
        Backend.init();
        ImageSet data = Datasets.load(cfg.data());
        GanShape shape = RunSetup.shapeFor(cfg, data);
        Networks nets = Networks.build(cfg, shape);
        RunDirectory dir = RunDirectory.create(Path.of(cfg.output().runsDir()), cfg.name());
        Files.writeString(dir.file(RunDirectory.CONFIG), ConfigLoader.toYaml(cfg));
        RunLog log = new RunLog(dir.file(RunDirectory.LOG), new PrintStream(console, true, StandardCharsets.UTF_8));
        return new TrainingRun(cfg, ConfigLoader.toYaml(cfg), shape, data.classNames(), nets.generator(),
                nets.discriminator(), nets.stabilisers(), data, dir, log, step, 0, step);
    }

    @Test
    void nanInParametersStopsTheRunAndItResumesFromTheLastGoodCheckpoint() throws Exception {
        TrainingRun run = tinyRun("nan", 0);
        TrainingListener poison = new TrainingListener() {
            @Override
            public void onStep(TrainingRun r, StepStats stats, double seconds) {
                if (r.step() == 5) r.generator().params().putScalar(0, Float.NaN);   // what an exploding update leaves
            }
        };
        List<TrainingListener> listeners = List.of(poison, new HealthWatch(), new CheckpointWriter());
        TrainingFailure f = assertThrows(TrainingFailure.class, () -> new Trainer(run, listeners, null).run());
        Path root = run.dir().root();
        assertEquals("step 5: the generator's parameters contain NaN or Inf: training diverged. Try lower learning "
                + "rates (e.g. --set training.g.lr=1e-4 --set training.d.lr=1e-4) or training.label_smoothing=0.1, "
                + "and resume from the last good checkpoint: gan train --resume " + root + " --set ...", f.getMessage());
        run.log().close();
        assertTrue(Files.readString(root.resolve("log.txt")).contains("WARNING: step 5: the generator's parameters"));
        assertEquals(List.of(Checkpoints.fileFor(run.dir().checkpoints(), 3)), Checkpoints.stepFiles(run.dir().checkpoints()),
                "nothing is written for the diverged step, the end of the run included");

        // as the message advises: resume with a lower learning rate, which must reach the restored networks
        TestRuns.Result resumed = gan("train", "--resume", root.toString(), "--set", "training.g.lr=1e-4");
        assertEquals(0, resumed.exit(), resumed.toString());
        assertTrue(resumed.out().contains("resuming " + root + " at step 3"), resumed.out());
        Checkpoints.Checkpoint last = Checkpoints.read(Checkpoints.fileFor(run.dir().checkpoints(), 6), false);
        assertFalse(BooleanIndexing.or(last.generator().params(), Conditions.notFinite()));
        assertEquals(1e-4, last.generator().getLearningRate("g_up1"), 1e-12);
        assertEquals(2e-4, last.discriminator().getLearningRate("d_conv1"), 1e-12);
    }

    @Test
    void aHugeLearningRateSaturatesDAndWatchStopEndsTheRun() throws Exception {
        // no mocks: learning rates of 0.99 without BatchNorm make D win outright within a few steps
        Path cfg = TestRuns.tinyConfig(tmp, "huge", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "training.g.lr=0.99", "--set",
                "training.d.lr=0.99", "--set", "model.batch_norm=false", "--set", "watch.window=10", "--set",
                "watch.stop=true", "--set", "training.steps=40", "--set", "output.checkpoint_every=10");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().matches("step \\d+: D\\(x\\) (0\\.98\\d|0\\.99\\d|1\\.000) and D\\(G\\(z\\)\\) (0\\.01\\d|0\\.00\\d) on average over the last 10 "
                + "steps: the discriminator wins outright[^\\n]*\\(stopped: watch\\.stop is true\\)\\s*"), r.toString());
        assertTrue(r.out().contains("WARNING: step "), "the warning also reaches the console and log.txt");
        int stoppedAt = Integer.parseInt(r.err().substring(5, r.err().indexOf(':')));
        List<Path> left = Checkpoints.stepFiles(tmp.resolve("runs/huge-001/checkpoints"));
        assertEquals(Checkpoints.fileFor(tmp.resolve("runs/huge-001/checkpoints"), stoppedAt / 10 * 10), left.get(left.size() - 1),
                "the newest checkpoint is the last one before the stop");
    }

    @Test
    void nonFiniteLossStopsTheRun() throws Exception {
        TrainingRun run = tinyRun("loss", 2);
        HealthWatch watch = new HealthWatch();
        watch.onStart(run);
        TrainingFailure f = assertThrows(TrainingFailure.class,
                () -> watch.onStep(run, new StepStats(Double.NaN, 1, 0.5, 0.5), 0.1));
        assertTrue(f.getMessage().startsWith("step 2: loss_D is NaN: training diverged. Try lower learning rates"),
                f.getMessage());
        f = assertThrows(TrainingFailure.class,
                () -> watch.onStep(run, new StepStats(1, Double.POSITIVE_INFINITY, 0.5, 0.5), 0.1));
        assertTrue(f.getMessage().startsWith("step 2: loss_G is Infinity: training diverged."), f.getMessage());
    }

    @Test
    void saturatedDiscriminatorWarnsOnceThenAgainAfterRecovering() throws Exception {
        TrainingRun run = tinyRun("saturated", 1, "watch.window=4", "watch.collapse_ratio=0");
        HealthWatch watch = new HealthWatch();
        watch.onStart(run);
        StepStats winning = new StepStats(0.05, 6.0, 0.995, 0.004), healthy = new StepStats(1.2, 0.9, 0.6, 0.4);
        for (int i = 0; i < 3; i++) watch.onStep(run, winning, 0.1);
        assertEquals("", console(), "a window is not full after 3 steps");
        watch.onStep(run, winning, 0.1);
        assertEquals("WARNING: step 1: D(x) 0.995 and D(G(z)) 0.004 on average over the last 4 steps: the "
                + "discriminator wins outright and the generator gets almost no gradient. Try "
                + "training.label_smoothing=0.1, a lower training.d.lr or a smaller model.d_width, from the last "
                + "checkpoint before this started: gan train --resume " + run.dir().root() + " --set ...\n", console());
        for (int i = 0; i < 5; i++) watch.onStep(run, winning, 0.1);
        assertEquals(1, count(console(), "WARNING"), "warned once per episode");
        // hovering at the threshold (means 0.9875-0.99, not clearly below 1 - 2 x 0.01) is the same episode
        StepStats borderline = new StepStats(0.05, 6.0, 0.985, 0.004);
        for (int i = 0; i < 3; i++) watch.onStep(run, borderline, 0.1);
        for (int i = 0; i < 4; i++) watch.onStep(run, winning, 0.1);
        assertEquals(1, count(console(), "WARNING"), "no warning for each crossing of the threshold");
        for (int i = 0; i < 4; i++) watch.onStep(run, healthy, 0.1);
        for (int i = 0; i < 4; i++) watch.onStep(run, winning, 0.1);
        assertEquals(2, count(console(), "WARNING"), "a new episode warns again");
    }

    @Test
    void saturatedDiscriminatorStopsTheRunWhenAsked() throws Exception {
        TrainingRun run = tinyRun("stop", 1, "watch.window=2", "watch.stop=true");
        HealthWatch watch = new HealthWatch();
        watch.onStart(run);
        watch.onStep(run, new StepStats(0.05, 6.0, 0.999, 0.001), 0.1);
        TrainingFailure f = assertThrows(TrainingFailure.class,
                () -> watch.onStep(run, new StepStats(0.05, 6.0, 0.999, 0.001), 0.1));
        assertTrue(f.getMessage().endsWith("--set ... (stopped: watch.stop is true)"), f.getMessage());
    }

    @Test
    void collapsedGeneratorIsReportedAfterTheWarmUp() throws Exception {
        TrainingRun run = tinyRun("collapse", 2, "watch.window=4", "watch.every=2");
        HealthWatch watch = new HealthWatch();
        watch.onStart(run);
        // a generator whose weights are all 0 makes the same image for every z: the extreme of mode collapse
        run.generator().params().assign(0);
        StepStats ok = new StepStats(1.2, 0.9, 0.6, 0.4);
        watch.onStep(run, ok, 0.1);
        assertEquals("", console(), "step 2 is inside the warm-up (watch.window = 4): untrained samples are alike");
        run.completeStep();
        watch.onStep(run, ok, 0.1);
        assertEquals("", console(), "step 3 is not a multiple of watch.every");
        run.completeStep();
        watch.onStep(run, ok, 0.1);
        assertTrue(console().startsWith("WARNING: step 4: the fixed-noise samples are nearly alike (mean pairwise "
                + "distance 0.00, 0% of the real images' "), console());
        assertTrue(console().contains("the generator has collapsed to a few modes."), console());
    }

    private String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    private static int count(String s, String what) {
        return s.split(what, -1).length - 1;
    }
}
