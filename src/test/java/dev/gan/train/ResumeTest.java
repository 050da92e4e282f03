package dev.gan.train;

import dev.gan.TestRuns;
import dev.gan.io.Checkpoints;
import dev.gan.io.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training 3 steps, stopping, and resuming to 6 gives the generator and discriminator that 6 straight steps give.
 * Tolerance 1e-6 relative to the largest parameter: the resumed run redoes the same float ops in the same order
 * (data order and noise are functions of the step, Adam state and iteration counts come from the checkpoint), so the
 * result is expected to be bit-identical; the margin only allows for multi-threaded reductions summing in another
 * order. A resume that lost Adam's moments or the iteration count, or replayed a batch, differs by ~1e-3.
 */
class ResumeTest {
    @TempDir
    Path tmp;

    /**
     * With augmentation too: its random draws are functions of the step, like the noise. And with the objectives'
     * state: hinge, lazy R1 (due on D steps 0, 2, 4: the resumed part must find it from D's iteration count) and
     * adaptive augmentation (ada_kimg 0.2 moves p by 0.32 after D step 4, and the checkpoint at step 3 holds a
     * partial interval of 3 D steps that the resumed run must finish).
     */
    @ParameterizedTest
    @ValueSource(strings = {"training.augment=none", "training.augment=color,translation,cutout",
            "training.loss=hinge;training.r1_gamma=1;training.r1_every=2;model.d_batch_norm=false;"
                    + "training.augment=color,translation,cutout;training.augment_p=auto;training.ada_kimg=0.2"})
    void resumedRunMatchesStraightRun(String sets) throws Exception {
        resumeMatchesStraightRun(sets.split(";"));
    }

    /**
     * With spectral norm on both networks and the EMA generator: the u and v vectors and the average come back from
     * the checkpoint, and the EMA's ramp-up continues from G's iteration count.
     */
    @Test
    void resumedRunWithSpectralNormAndEmaMatchesStraightRun() throws Exception {
        Checkpoints.Checkpoint[] ab = resumeMatchesStraightRun("model.spectral_norm=gd", "model.d_batch_norm=false",
                "training.ema.kimg=0.5");
        Checkpoints.Extras a = ab[0].extras(), b = ab[1].extras();
        assertClose(a.generatorEma().params(), b.generatorEma().params());
        assertEquals(java.util.Set.of("generator", "discriminator"), b.spectralNorm().keySet());
        a.spectralNorm().forEach((net, layers) -> layers.forEach((layer, uv) -> {
            for (int k = 0; k < 2; k++) {
                assertClose(org.nd4j.linalg.factory.Nd4j.createFromArray(uv[k]),
                        org.nd4j.linalg.factory.Nd4j.createFromArray(b.spectralNorm().get(net).get(layer)[k]));
            }
        }));
    }

    /**
     * With data.mirror on 32 images: 64 with the flips, 4 batches an epoch, so the 6 steps cross into a second epoch
     * after the resume at step 3, and the resumed part must draw the same flips in the same order.
     */
    @Test
    void resumedMirroredRunMatchesStraightRun() throws Exception {
        resumeMatchesStraightRun("data.mirror=true", "data.limit=32");
        for (String run : new String[]{"straight-001", "split-001"}) {
            String log = java.nio.file.Files.readString(tmp.resolve("runs/" + run + "/log.txt"));
            assertTrue(log.contains("data: 64 images 1x28x28 from data/fashion-mnist/t10k-images-idx3-ubyte.gz, "
                    + "10 classes, x2 mirrored (32 images and their x-flips)"), log);
            assertTrue(log.contains("training: 6 steps of batch 16 (1.5 epochs of 4 batches)"), log);
            assertTrue(java.nio.file.Files.readString(tmp.resolve("runs/" + run + "/config.yaml"))
                    .contains("  mirror: true"));
        }
    }

    private Checkpoints.Checkpoint[] resumeMatchesStraightRun(String... sets) throws Exception {
        java.util.List<String> flags = new java.util.ArrayList<>();
        for (String set : sets) flags.addAll(java.util.List.of("--set", set));
        Path cfg = TestRuns.tinyConfig(tmp, "straight", "");
        assertEquals(0, gan(args(flags, "train", "--config", cfg.toString())).exit());
        Path cfg2 = TestRuns.tinyConfig(tmp, "split", "");
        assertEquals(0, gan(args(flags, "train", "--config", cfg2.toString(), "--set", "training.steps=3")).exit());
        TestRuns.Result resumed = gan("train", "--resume", tmp.resolve("runs/split-001").toString(),
                "--set", "training.steps=6");
        assertEquals(0, resumed.exit(), resumed.toString());
        assertTrue(resumed.out().contains("resuming"), resumed.out());

        Checkpoints.Checkpoint a = Checkpoints.read(tmp.resolve("runs/straight-001/checkpoints/step-000006.zip"), true);
        Checkpoints.Checkpoint b = Checkpoints.read(tmp.resolve("runs/split-001/checkpoints/step-000006.zip"), true);
        assertClose(a.generator().params(), b.generator().params());
        assertClose(a.discriminator().params(), b.discriminator().params());
        assertClose(a.generator().updaterState(), b.generator().updaterState());
        assertEquals(6, b.generator().getIterationCount());
        assertEquals(a.state().batchesDrawn(), b.state().batchesDrawn());
        assertEquals(a.state().augment(), b.state().augment());
        if (String.join(";", sets).contains("augment_p=auto")) {
            assertTrue(a.state().augment().p() > 0, "p moved: " + a.state().augment());
            assertEquals(2, a.state().augment().count(), "6 D steps: one interval of 4 and 2 into the next");
            double[] pa = MetricsLog.read(tmp.resolve("runs/straight-001/metrics.csv")).get("augment_p");
            double[] pb = MetricsLog.read(tmp.resolve("runs/split-001/metrics.csv")).get("augment_p");
            assertEquals(a.state().augment().p(), pa[pa.length - 1], 1e-6, "metrics.csv logs p");
            assertEquals(pa[pa.length - 1], pb[pb.length - 1], 0.0);
        }

        // metrics continue without repeating a step: 2, 3 (end of the first part), 4, 6
        assertArrayEquals(new double[]{2, 3, 4, 6}, MetricsLog.read(tmp.resolve("runs/split-001/metrics.csv")).get("step"));
        return new Checkpoints.Checkpoint[]{a, b};
    }

    private static String[] args(java.util.List<String> flags, String... first) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(first));
        all.addAll(flags);
        return all.toArray(new String[0]);
    }

    @Test
    void resumeCannotChangeTheModel() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "fixed", "");
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "training.steps=2").exit());
        TestRuns.Result r = gan("train", "--resume", tmp.resolve("runs/fixed-001").toString(), "--set", "model.g_width=16");
        assertEquals(2, r.exit());
        assertEquals("--set model.g_width=16: a resumed run keeps its model, data, seed, training.batch_size and "
                + "training.d_steps; to change them start a new run with --config", r.err().strip());
    }

    private static String[] command(List<String> args) {
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(args);
        return all.toArray(String[]::new);
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-6 * scale, "max |diff| " + diff + " vs scale " + scale);
    }
}
