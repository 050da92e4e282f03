package dev.gan.cli;

import dev.gan.TestRuns;
import dev.gan.generate.SamplingGenerator;
import dev.gan.io.Checkpoints;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipFile;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * model.spectral_norm and training.ema through the real CLI: what the run says, what its checkpoints hold (and in
 * which format), and which generator gan sample uses - the EMA one, or the trained one with --raw.
 */
class SpectralNormAndEmaRunsTest {
    private static final String[] STABILISED = {"--set", "model.spectral_norm=gd", "--set", "model.d_batch_norm=false",
            "--set", "training.ema.kimg=0.5"};
    @TempDir
    static Path shared;
    static Path run;
    static TestRuns.Result trained;

    @BeforeAll
    static void train() throws Exception {
        Path cfg = TestRuns.tinyConfig(shared, "sn", "");
        trained = gan(with(STABILISED, "train", "--config", cfg.toString()));
        assertEquals(0, trained.exit(), trained.toString());
        run = shared.resolve("runs/sn-001");
    }

    private static String[] with(String[] tail, String... head) {
        List<String> all = new java.util.ArrayList<>(List.of(head));
        all.addAll(List.of(tail));
        return all.toArray(new String[0]);
    }

    @Test
    void theRunSaysWhatItDoesAndWhichGeneratorItsGridsShow() {
        assertTrue(trained.out().contains("spectral norm on G and D; EMA generator (half-life 0.5 kimg, ramp-up 0.05): "
                + "sample grids, evaluation, best.zip, gan sample and gan eval use it (--raw for the trained generator)"),
                trained.out());
        assertTrue(trained.out().contains("engine=fast"), trained.out());
    }

    @Test
    void dryRunShowsTheKeys() throws Exception {
        Path cfg = TestRuns.tinyConfig(shared, "dry", "");
        TestRuns.Result r = gan(with(STABILISED, "train", "--config", cfg.toString(), "--dry-run"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("  spectral_norm: \"gd\"\n") || r.out().contains("  spectral_norm: gd\n"), r.out());
        assertTrue(r.out().contains("  ema:\n    kimg: 0.5\n    rampup: 0.05\n"), r.out());
        assertTrue(r.out().contains("\nstabilisers: spectral norm on G and D; EMA generator (half-life 0.5 kimg"), r.out());
        TestRuns.Result plain = gan("train", "--config", cfg.toString(), "--dry-run");
        assertTrue(plain.out().contains("\nstabilisers: no spectral norm; no EMA generator: sample grids and evaluation "
                + "use the trained generator\n"), plain.out());
    }

    @Test
    void checkpointsCarryTheEmaGeneratorAndTheVectorsInFormat2() throws Exception {
        Path file = run.resolve("checkpoints/step-000006.zip");
        assertEquals(2, Checkpoints.readState(file).formatVersion());
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertTrue(zip.getEntry("spectral_norm.json") != null);
            // a plain DL4J graph: loadable with ModelSerializer alone, no spectral-norm state needed to run it
            try (InputStream in = zip.getInputStream(zip.getEntry("generator_ema.zip"))) {
                ComputationGraph ema = ModelSerializer.restoreComputationGraph(in, false);
                assertEquals(Checkpoints.read(file, false).generator().numParams(), ema.numParams());
            }
        }
        Checkpoints.Checkpoint ck = Checkpoints.read(file, false);
        assertEquals(List.of("g_fc", "g_up1", "g_up2"), List.copyOf(ck.extras().spectralNorm().get("generator").keySet()));
        assertEquals(List.of("d_conv1", "d_conv2", "d_out"),
                List.copyOf(ck.extras().spectralNorm().get("discriminator").keySet()));
    }

    @Test
    void aPlainRunStillWritesFormat1() throws Exception {
        Path cfg = TestRuns.tinyConfig(shared, "plain", "");
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "training.steps=2").exit());
        Path file = shared.resolve("runs/plain-001/checkpoints/step-000002.zip");
        assertEquals(1, Checkpoints.readState(file).formatVersion());
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertEquals(4, zip.size(), "state, config, generator, discriminator");
        }
    }

    @Test
    void sampleUsesTheEmaGeneratorAndRawTheTrainedOne() throws Exception {
        Path out = shared.resolve("samples");
        TestRuns.Result ema = gan("sample", "--checkpoint", run.toString(), "--grid", "2x2", "--out", out.toString());
        assertEquals(0, ema.exit(), ema.toString());
        assertTrue(ema.out().contains(": dcgan, step 6, 1x28x28 images; sampling the EMA generator\n"), ema.out());
        TestRuns.Result raw = gan("sample", "--checkpoint", run.toString(), "--grid", "2x2", "--out", out.toString(),
                "--raw");
        assertEquals(0, raw.exit(), raw.toString());
        assertTrue(raw.out().contains("; sampling the trained generator (--raw)\n"), raw.out());
        byte[] a = Files.readAllBytes(out.resolve("grid-2x2-step000006-seed0.png"));
        byte[] b = Files.readAllBytes(out.resolve("grid-2x2-step000006-seed0-raw.png"));
        assertFalse(Arrays.equals(a, b), "the EMA generator is not the trained one");
    }

    @Test
    void theTrainedGeneratorSamplesWithWeightsOverSigmaFromTheStoredVectors() {
        Path file = run.resolve("checkpoints/step-000006.zip");
        INDArray rawW = Checkpoints.read(file, false).generator().getLayer("g_up1").getParam("W").dup();
        SamplingGenerator g = SamplingGenerator.of(Checkpoints.read(file, false), true);
        assertEquals("the trained generator (--raw)", g.description());
        INDArray ratio = g.graph().getLayer("g_up1").getParam("W").div(rawW);
        double first = ratio.getDouble(0);
        assertTrue(Math.abs(first - 1) > 1e-3, "divided by sigma: " + first);
        assertArrayEquals(new double[]{first, first}, new double[]{ratio.minNumber().doubleValue(),
                ratio.maxNumber().doubleValue()}, 1e-4 * Math.abs(first), "one sigma for the whole weight");
    }
}
