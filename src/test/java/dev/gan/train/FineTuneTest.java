package dev.gan.train;

import dev.gan.TestRuns;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.config.ModelConfig;
import dev.gan.data.ImageSet;
import dev.gan.data.TrainingData;
import dev.gan.io.Checkpoints;
import dev.gan.model.GanModels;
import dev.gan.model.GanShape;
import dev.gan.step.FrozenBlocks;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fine-tuning through the real {@code gan train}: {@code --init-from} starts a new run from a parent's G, D and EMA
 * G with a fresh optimiser and step 0; a model that does not fit is one line and exit 2; training.freeze_d keeps D's
 * first blocks bit-identical (weights, BatchNorm statistics, spectral-norm vectors) in both engines; and a
 * fine-tuned run resumes exactly, without the parent.
 */
class FineTuneTest {
    @TempDir
    static Path shared;
    /**
     * 6-step parents: a DCGAN with BatchNorm and the EMA generator, one with spectral norm on D (no BatchNorm in D),
     * and a ResNet.
     */
    static Path parent, snParent, resnetParent;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainParents() throws Exception {
        Path cfg = TestRuns.tinyConfig(shared, "parent", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "training.ema.kimg=0.5");
        assertEquals(0, r.exit(), r.toString());
        parent = shared.resolve("runs/parent-001");
        Path sn = TestRuns.tinyConfig(shared, "snparent", "");
        r = gan("train", "--config", sn.toString(), "--set", "model.spectral_norm=d", "--set", "model.d_batch_norm=false");
        assertEquals(0, r.exit(), r.toString());
        snParent = shared.resolve("runs/snparent-001");
        Path rn = TestRuns.tinyConfig(shared, "rnparent", "");
        r = gan("train", "--config", rn.toString(), "--set", "model.arch=resnet");
        assertEquals(0, r.exit(), r.toString());
        resnetParent = shared.resolve("runs/rnparent-001");
    }

    @Test
    void aFineTunedRunStartsFromTheParentsWeightsWithAFreshOptimiser() throws Exception {
        Path parentFile = parent.resolve("checkpoints/step-000006.zip");
        Checkpoints.Checkpoint p = Checkpoints.read(parentFile, false);
        // the networks the run starts with, as gan train builds them from the config (resolved as it records it)
        ExperimentConfig cfg = ConfigLoader.load(TestRuns.tinyConfig(tmp, "child", ""),
                List.of("training.init_from=" + parent, "training.ema.kimg=0.5", "data.limit=64"));
        ImageSet data = TrainingData.load(cfg);
        Networks nets = Networks.build(cfg, RunSetup.shapeFor(cfg, data));
        assertBitIdentical(p.generator().params(), nets.generator().params());
        assertBitIdentical(p.discriminator().params(), nets.discriminator().params());
        assertBitIdentical(p.extras().generatorEma().params(), nets.stabilisers().emaGraph().params());
        assertEquals(0, nets.generator().getIterationCount());
        assertEquals(0, nets.discriminator().getIterationCount());

        TestRuns.Result r = gan("train", "--config", tmp.resolve("child.yaml").toString(), "--init-from",
                parent.toString(), "--set", "training.ema.kimg=0.5", "--set", "data.limit=64", "--set",
                "training.steps=2");
        assertEquals(0, r.exit(), r.toString());
        Path child = tmp.resolve("runs/child-001");
        // the step-0 grid of the EMA generator, from the same fixed noise (same seed), is the parent's last grid
        assertTrue(Arrays.equals(Files.readAllBytes(parent.resolve("samples/step-000006.png")),
                Files.readAllBytes(child.resolve("samples/step-000000.png"))), "step-0 grid = parent's step-6 grid");
        Checkpoints.Checkpoint c = Checkpoints.read(child.resolve("checkpoints/step-000002.zip"), true);
        assertEquals(2, c.generator().getIterationCount(), "step counter from 0");
        assertEquals(2, c.state().step());
        String recorded = "fine-tuned from " + parentFile + " (its step 6)";
        assertTrue(Files.readString(child.resolve("config.yaml")).contains("  init_from: " + parentFile + "\n"));
        assertTrue(Files.readString(child.resolve("command.txt")).startsWith("# " + recorded + "\n"));
        assertTrue(r.out().contains(recorded + ": loaded G, D and EMA G weights; new optimiser state, step 0\n"), r.out());
        assertTrue(Files.readString(child.resolve("report.html")).contains("<dt>fine-tuned from</dt><dd>"
                + parentFile + " (its step 6)</dd>"));
    }

    @Test
    void aModelThatDoesNotFitIsOneLineNamingTheLayer() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "wide", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--init-from", parent.toString(),
                "--set", "model.d_width=16");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("training.init_from: " + parent.resolve("checkpoints/step-000006.zip") + ": discriminator layer "
                + "d_conv1 parameter b is [8] in the parent but [16] here; fine-tuning needs the "
                + "parent's networks: use its model keys (widths, architecture, conditioning, latent size) and data of "
                + "its image size, channels and classes", r.err().strip());
        assertFalse(Files.exists(tmp.resolve("runs/wide-001")), "no run directory for a run that cannot start");

        r = gan("train", "--config", cfg.toString(), "--init-from", parent.toString(), "--set", "model.latent_size=8");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().strip().contains(": generator layer g_fc parameter W is [16, 784] in the parent but "
                + "[8, 784] here;"), r.err());
        assertEquals(1, r.err().strip().lines().count());

        r = gan("train", "--config", cfg.toString(), "--set", "training.freeze_d=3");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("training.freeze_d is 3 but this discriminator has 2 blocks (d_conv1, d_conv2): set "
                + "training.freeze_d between 0 and 2", r.err().strip());
        r = gan("train", "--config", cfg.toString(), "--init-from", tmp.resolve("nowhere").toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals("training.init_from: " + tmp.resolve("nowhere") + ": no such checkpoint file or run directory",
                r.err().strip());
    }

    /**
     * freeze_d 2 freezes both blocks of the 28-px DCGAN D (d_conv2 with its BatchNorm); only the logit layer trains.
     * With spectral norm on D, d_conv1 and its u and v; in the ResNet, residual blocks 1 and 2.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fast", "dl4j", "fast sn", "dl4j sn", "dl4j resnet"})
    void frozenBlocksAreBitIdenticalAfterTraining(String engineAndModel) throws Exception {
        String engine = engineAndModel.split(" ")[0];
        boolean sn = engineAndModel.endsWith("sn");
        if (engineAndModel.endsWith("resnet")) {
            resnetBlocksAreBitIdenticalAfterTraining(engine);
            return;
        }
        Path from = sn ? snParent : parent;
        List<String> args = new ArrayList<>(List.of("train", "--config",
                TestRuns.tinyConfig(tmp, "frozen", "").toString(), "--init-from", from.toString(),
                "--set", "training.freeze_d=" + (sn ? 1 : 2), "--set", "training.engine=" + engine));
        if (sn) args.addAll(List.of("--set", "model.spectral_norm=d", "--set", "model.d_batch_norm=false"));
        TestRuns.Result r = gan(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("engine=" + engine), r.out());
        assertTrue(r.out().contains("training.freeze_d: D's first " + (sn ? "block" : "2 blocks")), r.out());
        Checkpoints.Checkpoint before = Checkpoints.read(from.resolve("checkpoints/step-000006.zip"), false);
        Checkpoints.Checkpoint after = Checkpoints.read(tmp.resolve("runs/frozen-001/checkpoints/step-000006.zip"), false);
        List<String> frozen = sn ? List.of("d_conv1") : List.of("d_conv1", "d_conv2", "d_conv2_bn");
        List<String> trained = sn ? List.of("d_conv2", "d_out") : List.of("d_out");
        for (String layer : frozen) {
            Map<String, INDArray> a = before.discriminator().getLayer(layer).paramTable();
            a.forEach((key, value) -> assertBitIdentical(value,
                    after.discriminator().getLayer(layer).getParam(key), layer + "_" + key));
        }
        if (!sn) {
            assertTrue(before.discriminator().getLayer("d_conv2_bn").paramTable().containsKey("mean"));
        }
        for (String layer : trained) {
            assertFalse(Arrays.equals(floats(before.discriminator().getLayer(layer).getParam("W")),
                    floats(after.discriminator().getLayer(layer).getParam("W"))), layer + " trained");
        }
        if (sn) {
            Map<String, float[][]> u0 = before.extras().spectralNorm().get("discriminator");
            Map<String, float[][]> u1 = after.extras().spectralNorm().get("discriminator");
            assertTrue(Arrays.equals(u0.get("d_conv1")[0], u1.get("d_conv1")[0]), "frozen u");
            assertTrue(Arrays.equals(u0.get("d_conv1")[1], u1.get("d_conv1")[1]), "frozen v");
            assertFalse(Arrays.equals(u0.get("d_conv2")[0], u1.get("d_conv2")[0]), "trained layer's u moved");
        }
    }

    private void resnetBlocksAreBitIdenticalAfterTraining(String engine) throws Exception {
        TestRuns.Result r = gan("train", "--config", TestRuns.tinyConfig(tmp, "rn", "").toString(), "--init-from",
                resnetParent.toString(), "--set", "model.arch=resnet", "--set", "training.freeze_d=2",
                "--set", "training.engine=" + engine);
        assertEquals(0, r.exit(), r.toString());
        ComputationGraph before = Checkpoints.read(resnetParent.resolve("checkpoints/step-000006.zip"), false)
                .discriminator();
        ComputationGraph after = Checkpoints.read(tmp.resolve("runs/rn-001/checkpoints/step-000006.zip"), false)
                .discriminator();
        int frozen = 0;
        for (org.deeplearning4j.nn.api.Layer layer : before.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (layer.numParams() == 0) continue;
            boolean held = name.startsWith("d_block1_") || name.startsWith("d_block2_");
            float[] a = floats(layer.params()), b = floats(after.getLayer(name).params());
            assertEquals(held, Arrays.equals(a, b), name + (held ? " frozen" : " trained"));
            if (held) frozen++;
        }
        assertTrue(frozen >= 4, "block 1 and 2 convolutions and shortcuts: " + frozen);
    }

    /**
     * A fine-tuned run stopped at step 3 and resumed to 6 equals 6 straight steps, with the parent gone by then: the
     * checkpoint holds the weights, and init_from is not loaded again. Tolerance as in ResumeTest.
     */
    @Test
    void aFineTunedRunResumesExactlyWithoutItsParent() throws Exception {
        Path copy = tmp.resolve("parent-copy");
        Files.createDirectories(copy.resolve("checkpoints"));
        Files.copy(parent.resolve("checkpoints/step-000006.zip"), copy.resolve("checkpoints/step-000006.zip"));
        String[] sets = {"--init-from", copy.toString(), "--set", "training.freeze_d=1", "--set", "training.ema.kimg=0.5"};
        TestRuns.Result r = gan(concat(new String[]{"train", "--config", TestRuns.tinyConfig(tmp, "straight", "")
                .toString()}, sets));
        assertEquals(0, r.exit(), r.toString());
        r = gan(concat(new String[]{"train", "--config", TestRuns.tinyConfig(tmp, "split", "").toString(),
                "--set", "training.steps=3"}, sets));
        assertEquals(0, r.exit(), r.toString());
        Files.delete(copy.resolve("checkpoints/step-000006.zip"));
        r = gan("train", "--resume", tmp.resolve("runs/split-001").toString(), "--set", "training.steps=6");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.out().contains("fine-tuned from"), "a resumed run does not load its parent: " + r.out());

        Checkpoints.Checkpoint a = Checkpoints.read(tmp.resolve("runs/straight-001/checkpoints/step-000006.zip"), true);
        Checkpoints.Checkpoint b = Checkpoints.read(tmp.resolve("runs/split-001/checkpoints/step-000006.zip"), true);
        assertClose(a.generator().params(), b.generator().params());
        assertClose(a.discriminator().params(), b.discriminator().params());
        assertClose(a.generator().updaterState(), b.generator().updaterState());
        assertClose(a.discriminator().updaterState(), b.discriminator().updaterState());
        assertClose(a.extras().generatorEma().params(), b.extras().generatorEma().params());
        assertEquals(6, b.discriminator().getIterationCount());
        assertBitIdentical(Checkpoints.read(parent.resolve("checkpoints/step-000006.zip"), false).discriminator()
                .getLayer("d_conv1").getParam("W"), b.discriminator().getLayer("d_conv1").getParam("W"), "frozen");

        r = gan("train", "--resume", tmp.resolve("runs/split-001").toString(), "--set", "training.init_from=" + parent);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("a resumed run continues from its own checkpoint"), r.err());
        r = gan("train", "--resume", tmp.resolve("runs/split-001").toString(), "--init-from", parent.toString());
        assertEquals(2, r.exit(), r.toString());
    }

    /**
     * gan sweep's way (--run-dir): the run records the checkpoint the parent's run directory resolved to, and the
     * same command later continues that run rather than calling its config another.
     */
    @Test
    void aRunDirectoryWithInitFromContinuesItsOwnRun() throws Exception {
        String[] command = {"train", "--config", TestRuns.tinyConfig(tmp, "swept", "").toString(), "--run-dir",
                tmp.resolve("swept").toString(), "--init-from", parent.toString(), "--set", "training.steps=3"};
        assertEquals(0, gan(command).exit());
        assertTrue(Files.readString(tmp.resolve("swept/config.yaml")).contains("  init_from: "
                + parent.resolve("checkpoints/step-000006.zip") + "\n"));
        TestRuns.Result again = gan(command);
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("resuming " + tmp.resolve("swept") + " at step 3"), again.out());
    }

    /** A block: a DCGAN conv layer with its BatchNorm and activation, a ResNet residual block. */
    @Test
    void blocksOfBothArchitectures() {
        ModelConfig dcgan = ModelConfig.defaults();
        GanShape rgb64 = new GanShape(3, 64, 16, 0, false);
        assertEquals(List.of("d_conv1", "d_conv2", "d_conv3", "d_conv4"),
                FrozenBlocks.blocks(GanModels.discriminator(dcgan, rgb64, dev.gan.config.AdamConfig.defaults(), 1)));
        ModelConfig resnet = new ModelConfig("dcgan", 16, 8, 8, true, 0, false, 0, false, 0, "resnet", "concat", "auto",
                "d");
        ComputationGraph d = GanModels.discriminator(resnet, new GanShape(3, 32, 16, 0, false),
                dev.gan.config.AdamConfig.defaults(), 1);
        List<String> blocks = FrozenBlocks.blocks(d);
        assertTrue(blocks.size() >= 3 && blocks.get(0).equals("d_block1"), blocks.toString());
        assertTrue(FrozenBlocks.of(d, 1).layers().containsAll(List.of("d_block1_conv1", "d_block1_conv2", "d_block1_sc")),
                FrozenBlocks.of(d, 1).layers().toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[] floats(INDArray a) {
        return a.dup().data().asFloat();
    }

    private static void assertBitIdentical(INDArray expected, INDArray actual) {
        assertBitIdentical(expected, actual, "");
    }

    private static void assertBitIdentical(INDArray expected, INDArray actual, String what) {
        assertTrue(Arrays.equals(floats(expected), floats(actual)), what + " bit-identical");
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-6 * scale, "max |diff| " + diff + " vs scale " + scale);
    }
}
