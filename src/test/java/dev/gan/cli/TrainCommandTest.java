package dev.gan.cli;

import dev.gan.TestRuns;
import dev.gan.io.ImageGrid;
import dev.gan.io.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code gan} command as a user meets it: help, version, exit codes, and a real tiny training run. */
class TrainCommandTest {
    @TempDir
    Path tmp;

    @Test
    void helpAndVersion() {
        TestRuns.Result help = gan("--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().contains("train") && help.out().contains("Exit codes"), help.out());
        TestRuns.Result trainHelp = gan("train", "--help");
        assertEquals(0, trainHelp.exit());
        assertTrue(trainHelp.out().contains("--config") && trainHelp.out().contains("--resume")
                && trainHelp.out().contains("--dry-run") && trainHelp.out().contains("--set"), trainHelp.out());
        TestRuns.Result version = gan("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("gan "), version.out());
    }

    @Test
    void usageErrorsExitWith2() {
        TestRuns.Result none = gan("train");
        assertEquals(2, none.exit());
        assertTrue(none.err().startsWith("gan train: give --config FILE for a new run"), none.err());
        TestRuns.Result unknown = gan("train", "--confg", "x.yaml");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().startsWith("Unknown options: '--confg', 'x.yaml'\nPossible solutions: --config\n"
                + "See 'gan train --help'."), unknown.err());
    }

    @Test
    void configErrorIsOneLineWithoutStackTrace() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "bad", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "training.g.lr=-1");
        assertEquals(2, r.exit());
        assertEquals("--set training.g.lr=-1: training.g.lr must be > 0 and < 1 (got -1.0)", r.err().strip());
        assertFalse(Files.exists(tmp.resolve("runs")), "nothing is created for a bad config");
        TestRuns.Result verbose = gan("train", "--config", cfg.toString(), "--set", "training.g.lr=-1", "--verbose");
        assertEquals(2, verbose.exit());
        assertTrue(verbose.err().contains("at dev.gan."), "stack trace with --verbose");
    }

    @Test
    void dataErrorExitsWith2() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "nodata", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "data.images=missing.gz");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("missing.gz: no such file; check data.images / data.labels in the config", r.err().strip());
    }

    @Test
    void dryRunPrintsConfigAndNetworksAndWritesNothing() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "dry", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--dry-run");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("latent_size: 16") && r.out().contains("Generator") && r.out().contains("Discriminator")
                && r.out().contains("d_conv2_bn"), r.out());
        assertFalse(Files.exists(tmp.resolve("runs")));
    }

    @Test
    void trainsAndWritesTheRunDirectory() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "tiny", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "training.steps=4");
        assertEquals(0, r.exit(), r.toString());
        Path run = tmp.resolve("runs/tiny-001");
        for (String f : List.of("config.yaml", "command.txt", "log.txt", "metrics.csv", "reals.png", "loss.png",
                "samples/step-000000.png", "samples/step-000003.png", "samples/step-000004.png",
                "checkpoints/step-000003.zip", "checkpoints/step-000004.zip")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " missing; " + r);
        }
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            assertEquals(2, s.count(), "no temporary files left beside the checkpoints");
        }
        BufferedImage grid = ImageIO.read(run.resolve("samples/step-000004.png").toFile());
        assertEquals(ImageGrid.gridSide(4, 28), grid.getWidth());
        assertEquals(ImageGrid.gridSide(4, 28), grid.getHeight());
        assertTrue(ImageIO.read(run.resolve("loss.png").toFile()).getWidth() > 100);

        Map<String, double[]> m = MetricsLog.read(run.resolve("metrics.csv"));
        assertArrayEquals(new double[]{2, 4}, m.get("step"));
        for (String col : List.of("loss_d", "loss_g", "d_x", "d_g_z", "sec_per_step", "img_per_s")) {
            for (double v : m.get(col)) assertTrue(Double.isFinite(v) && v >= 0, col + " = " + v);
        }
        assertTrue(Files.readString(run.resolve("command.txt")).contains("gan train --config"));
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("steps: 4"));
        assertTrue(r.out().contains("[4/4]"), r.out());
        // a second run never writes into the first
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "training.steps=1").exit());
        assertTrue(Files.isDirectory(tmp.resolve("runs/tiny-002")));
    }

    @Test
    void gStepsAndDStepsSetHowOftenEachNetworkIsUpdated() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "steps", "");
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "training.steps=3",
                "--set", "training.g_steps=2", "--set", "training.d_steps=3").exit());
        var ck = dev.gan.io.Checkpoints.read(tmp.resolve("runs/steps-001/checkpoints/step-000003.zip"), false);
        assertEquals(6, ck.generator().getIterationCount(), "2 generator updates per step");
        assertEquals(9, ck.discriminator().getIterationCount(), "3 discriminator updates per step");
        assertEquals(9, ck.state().batchesDrawn(), "each discriminator update draws a batch");
    }

    @Test
    void keepsOnlyTheLastCheckpoints() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "keep", "");
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "output.checkpoint_every=1").exit());
        try (Stream<Path> s = Files.list(tmp.resolve("runs/keep-001/checkpoints"))) {
            assertEquals(List.of("step-000005.zip", "step-000006.zip"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void runDirTrainsThereAndContinuesOnlyItsOwnConfig() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "placed", "");
        Path dir = tmp.resolve("sweep/run-a");
        TestRuns.Result first = gan("train", "--config", cfg.toString(), "--run-dir", dir.toString(), "--set", "training.steps=2");
        assertEquals(0, first.exit(), first.toString());
        assertTrue(Files.isRegularFile(dir.resolve("checkpoints/step-000002.zip")));
        assertFalse(Files.exists(tmp.resolve("runs")), "nothing under output.runs_dir");
        TestRuns.Result again = gan("train", "--config", cfg.toString(), "--run-dir", dir.toString(), "--set", "training.steps=2");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("resuming " + dir + " at step 2"), again.out());
        TestRuns.Result other = gan("train", "--config", cfg.toString(), "--run-dir", dir.toString(), "--set", "training.steps=3");
        assertEquals(2, other.exit());
        assertEquals(dir + ": holds checkpoints of a run with another config; give the config it was started with ("
                + dir.resolve("config.yaml") + "), or another --run-dir", other.err().strip());
        assertEquals(2, gan("train", "--resume", dir.toString(), "--run-dir", dir.toString()).exit());
    }

    /**
     * The stabilisers train end to end and their checkpoints load again: the minibatch-stddev layer is a SameDiff
     * layer serialized by class name inside D's zip, and augmentation must leave losses finite.
     */
    @Test
    void minibatchStddevAndAugmentationTrainAndReload() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "stable", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "model.d_minibatch_stddev=true",
                "--set", "training.augment=color,translation,cutout");
        assertEquals(0, r.exit(), r.toString());
        Map<String, double[]> m = MetricsLog.read(tmp.resolve("runs/stable-001/metrics.csv"));
        for (double v : m.get("loss_d")) assertTrue(Double.isFinite(v) && v > 0, "loss_d " + v);
        var ckpt = dev.gan.io.Checkpoints.read(tmp.resolve("runs/stable-001/checkpoints/step-000006.zip"), true);
        assertTrue(ckpt.discriminator().getLayer("d_mbstd") != null, "D keeps its minibatch-stddev layer");
    }
}
