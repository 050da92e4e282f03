package dev.gan.train;

import dev.gan.TestRuns;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.data.Datasets;
import dev.gan.data.ImageSet;
import dev.gan.io.Checkpoints;
import dev.gan.io.RunDirectory;
import dev.gan.io.RunLog;
import dev.gan.model.LinearDecay;
import dev.gan.system.Backend;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * training.lr_decay on the tiny config: both networks' Adam rates stay at the base rate, then fall linearly to 0 at
 * the last step, whatever each network's updates per step, on both engines; 0 trains exactly as a config without the
 * key; a decaying run resumed from its middle ends where the straight run ends; a bad value is one line.
 */
class LrDecayTest {
    private static final double G_LR = 2e-4, D_LR = 1e-4;

    @TempDir
    Path tmp;

    /**
     * 6 steps, lr_decay 0.5, with d_steps 2 and g_steps 2 (each network's count runs twice as fast as the step): after
     * k steps both rates are base x min(1, (6 - k) / 3). A 7th step, past the end, is an update at rate 0: an engine
     * that took its rate from anywhere but the schedule would move the weights as much as before.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fast", "dl4j"})
    void ratesAreConstantThenFallLinearlyToZero(String engine) throws Exception {
        ExperimentConfig cfg = ConfigLoader.load(TestRuns.tinyConfig(tmp, engine, ""), List.of("training.engine=" + engine,
                "training.lr_decay=0.5", "training.d_steps=2", "training.g_steps=2", "training.g.lr=" + G_LR,
                "training.d.lr=" + D_LR));
        Backend.init();
        ImageSet data = Datasets.load(cfg.data());
        RunSetup setup = RunSetup.of(cfg, data);
        ComputationGraph g = setup.nets().generator(), d = setup.nets().discriminator();
        try (RunLog log = new RunLog(tmp.resolve(engine + ".log"), new PrintStream(OutputStream.nullOutputStream()))) {
            TrainingRun run = new TrainingRun(cfg, "", setup.shape(), data.classNames(), g, d,
                    setup.nets().stabilisers(), data, new RunDirectory(tmp.resolve(engine)), log, 0, 0, 0);
            assertEquals(6, run.totalSteps());
            Trainer trainer = new Trainer(run, List.of(), null);
            assertEquals(engine, trainer.engine());
            float[] before = null;
            double lastMove = 0;
            for (int k = 0; k <= 7; k++) {
                double share = Math.min(1, (6 - k) / 3.0);
                assertEquals(2 * k, g.getIterationCount());
                assertEquals(2 * k, d.getIterationCount());
                assertRate(G_LR * Math.max(0, share), g, "G after " + k + " steps");
                assertRate(D_LR * Math.max(0, share), d, "D after " + k + " steps");
                if (k == 7) break;
                before = weights(g, d);
                trainer.oneStep();
                run.completeStep();
                if (k == 5) lastMove = maxDiff(before, weights(g, d));
            }
            // measured: updates at rate 0 still move a weight by up to 3.4e-7, the same on both engines (the Adam op's
            // step size at rate 0 is not quite 0); the last step's updates, at a third of the rates, moved one by 2.4e-4
            double pastEnd = maxDiff(before, weights(g, d));
            assertTrue(pastEnd < 2e-6 && lastMove > 5e-5, "step 6 moved the weights by " + lastMove
                    + ", step 7 (rate 0) by " + pastEnd);
        }
    }

    /** lr_decay 0 leaves the networks as built: the same numbers as a config without the key, and no log line. */
    @Test
    void zeroTrainsExactlyAsWithoutTheKey() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "plain", "");
        assertEquals(0, gan("train", "--config", cfg.toString()).exit());
        Path cfg0 = TestRuns.tinyConfig(tmp, "zero", "");
        assertEquals(0, gan("train", "--config", cfg0.toString(), "--set", "training.lr_decay=0").exit());
        Checkpoints.Checkpoint a = Checkpoints.read(tmp.resolve("runs/plain-001/checkpoints/step-000006.zip"), true);
        Checkpoints.Checkpoint b = Checkpoints.read(tmp.resolve("runs/zero-001/checkpoints/step-000006.zip"), true);
        assertArrayEquals(a.generator().params().ravel().toFloatVector(), b.generator().params().ravel().toFloatVector());
        assertArrayEquals(a.discriminator().params().ravel().toFloatVector(), b.discriminator().params().ravel().toFloatVector());
        assertArrayEquals(a.generator().updaterState().ravel().toFloatVector(), b.generator().updaterState().ravel().toFloatVector());
        assertFalse(Files.readString(tmp.resolve("runs/zero-001/log.txt")).contains("learning rates:"));
    }

    /**
     * A decaying run resumed from its step-3 checkpoint (copied out of the run, so the resume writes a new run) ends
     * with the straight run's networks; the schedule came back with the checkpoint. Resuming it with a lower G rate
     * keeps G's decay, on the new base; with lr_decay 0 the rates are constant again.
     */
    @Test
    void resumedDecayingRunMatchesStraightRun() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "decay", "");
        TestRuns.Result straight = gan("train", "--config", cfg.toString(), "--set", "training.lr_decay=0.5",
                "--set", "training.d_steps=2");
        assertEquals(0, straight.exit(), straight.toString());
        String log = Files.readString(tmp.resolve("runs/decay-001/log.txt"));
        assertTrue(log.contains("learning rates: constant for 3 steps, then linear to 0 over the last 3"), log);
        Path middle = tmp.resolve("step-3.zip");
        Files.copy(tmp.resolve("runs/decay-001/checkpoints/step-000003.zip"), middle);

        TestRuns.Result resumed = gan("train", "--resume", middle.toString());
        assertEquals(0, resumed.exit(), resumed.toString());
        Checkpoints.Checkpoint a = Checkpoints.read(tmp.resolve("runs/decay-001/checkpoints/step-000006.zip"), true);
        Checkpoints.Checkpoint b = Checkpoints.read(tmp.resolve("runs/decay-002/checkpoints/step-000006.zip"), true);
        assertClose(a.generator().params(), b.generator().params());
        assertClose(a.discriminator().params(), b.discriminator().params());
        assertClose(a.discriminator().updaterState(), b.discriminator().updaterState());
        assertInstanceOf(LinearDecay.class, adam(b.discriminator()).getLearningRateSchedule());
        assertRate(0, b.discriminator(), "D at the end");
        // format 3, which a gan from before the schedule refuses as "written by a newer gan", not as corrupt
        assertEquals(3, Checkpoints.readState(tmp.resolve("runs/decay-001/checkpoints/step-000006.zip")).formatVersion());

        assertEquals(0, gan("train", "--resume", middle.toString(), "--set", "training.g.lr=1e-4").exit());
        ComputationGraph g = Checkpoints.read(tmp.resolve("runs/decay-003/checkpoints/step-000006.zip"), true).generator();
        assertEquals(1e-4, ((LinearDecay) adam(g).getLearningRateSchedule()).base());
        assertEquals(0, gan("train", "--resume", middle.toString(), "--set", "training.lr_decay=0").exit());
        g = Checkpoints.read(tmp.resolve("runs/decay-004/checkpoints/step-000006.zip"), true).generator();
        assertNull(adam(g).getLearningRateSchedule());
        assertRate(2e-4, g, "G with constant rates again");
        assertEquals(1, Checkpoints.readState(tmp.resolve("runs/decay-004/checkpoints/step-000006.zip")).formatVersion());
    }

    /**
     * The EMA generator is a copy of G's graph and keeps the schedule in its configuration after a resume with
     * lr_decay 0 has taken it from G, so such a checkpoint stays format 3: a gan from before lr_decay cannot load it.
     */
    @Test
    void anEmaGeneratorKeepsItsCheckpointAtFormat3() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "ema", "");
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "training.lr_decay=0.5",
                "--set", "training.ema.kimg=1").exit());
        Path middle = tmp.resolve("ema-step-3.zip");   // outside the run: the resume becomes a run of its own
        Files.copy(tmp.resolve("runs/ema-001/checkpoints/step-000003.zip"), middle);
        assertEquals(0, gan("train", "--resume", middle.toString(), "--set", "training.lr_decay=0").exit());
        Path file = tmp.resolve("runs/ema-002/checkpoints/step-000006.zip");
        Checkpoints.Checkpoint ck = Checkpoints.read(file, true);
        assertNull(adam(ck.generator()).getLearningRateSchedule());
        assertInstanceOf(LinearDecay.class, adam(ck.extras().generatorEma()).getLearningRateSchedule());
        assertEquals(3, Checkpoints.readState(file).formatVersion());
    }

    @Test
    void aValueOutsideZeroToOneIsOneLine() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "bad", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "training.lr_decay=1.5");
        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("training.lr_decay must be between 0 and 1") && r.err().contains("1.5"), r.err());
        assertFalse(Files.exists(tmp.resolve("runs")), "no run directory");
    }

    /** Every layer with a learning rate reads {@code expected} at the network's own update count. */
    private static void assertRate(double expected, ComputationGraph net, String what) {
        int checked = 0;
        for (Layer layer : net.getLayers()) {
            Double lr = net.getLearningRate(layer.conf().getLayer().getLayerName());
            if (lr == null) continue;
            assertEquals(expected, lr, 1e-12 * Math.max(G_LR, D_LR), what + ", layer " + layer.conf().getLayer().getLayerName());
            checked++;
        }
        assertTrue(checked > 0, what + ": no layer with a learning rate");
    }

    private static Adam adam(ComputationGraph net) {
        for (Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof BaseLayer b && b.getIUpdater() instanceof Adam a) return a;
        }
        throw new AssertionError("no Adam layer");
    }

    /** Both networks' trained parameters, without BatchNorm's running statistics (which move at any rate). */
    private static float[] weights(ComputationGraph g, ComputationGraph d) {
        List<float[]> parts = new ArrayList<>();
        for (ComputationGraph net : new ComputationGraph[]{g, d}) {
            new TreeMap<>(net.paramTable()).forEach((name, value) -> {
                if (!name.endsWith("_mean") && !name.endsWith("_var") && !name.endsWith("_log10stdev")) {
                    parts.add(value.dup().ravel().toFloatVector());
                }
            });
        }
        float[] out = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-6 * scale, "max |diff| " + diff + " vs scale " + scale);
    }
}
