package dev.gan.step.fast;

import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.model.BceWithLogitsLoss;
import dev.gan.model.ExternalGradientLoss;
import dev.gan.model.GanModels;
import dev.gan.model.GanShape;
import dev.gan.model.Labels;
import dev.gan.step.NonSaturatingLoss;
import dev.gan.system.Backend;
import dev.gan.train.Networks;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast engine computes what DL4J's layers compute, on the same graphs with the same weights: G's forward output,
 * D's loss, every D parameter gradient (the BatchNorm running-statistic "gradients" included), D's input gradient,
 * G's loss, and every G parameter gradient - each within 1e-4 relative, ||fast - dl4j|| / ||dl4j|| per array.
 *
 * <p>Both sides run float32 oneDNN kernels (DL4J's through its layer helpers), but not always the same ones in the
 * same order: the dense layers' gemm has another output layout, the loss is summed on the host in double. Measured
 * differences are 1e-7 to 1e-6 relative; 1e-4 leaves room for other CPUs' kernels, while a wrong weight layout,
 * a missed 1/B, a stale view or a wrong running-statistics update is off by 1e-2 or more. No parameter here has a
 * true gradient of 0 (a bias right before BatchNorm, whose float noise would need an absolute tolerance):
 * GanModels gives those layers no bias.
 *
 * <p>The bench specs run at batch 8 on their full widths; the other variants on narrow nets.
 */
class FastNetNumericsTest {
    private static final double TOLERANCE = 1e-4;
    private static final int BATCH = 8;

    @BeforeAll
    static void init() {
        Backend.init();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "configs/bench-dcgan28.yaml|",
            "configs/bench-dcgan64.yaml|",
            "configs/dcgan.yaml|model.g_width=8,model.d_width=8,model.latent_size=16,data.image_size=32,data.channels=3",
            "configs/dcgan.yaml|model.g_width=8,model.d_width=8,model.latent_size=16,model.batch_norm=false",
            "configs/dcgan.yaml|model.g_width=8,model.d_width=8,model.latent_size=16,data.image_size=64,model.d_batch_norm=false",
            "configs/cgan.yaml|model.g_width=8,model.d_width=8,model.latent_size=16,model.num_classes=0",
            "configs/cgan.yaml|model.g_width=8,model.d_width=8,model.latent_size=16,model.conditioning=concat,model.g_conditioning=auto",
    })
    void fastEngineMatchesDl4jLayers(String config, String sets) {
        List<String> overrides = new ArrayList<>(List.of("training.batch_size=" + BATCH));
        if (sets != null) overrides.addAll(List.of(sets.split(",")));
        ExperimentConfig cfg = ConfigLoader.load(Path.of(config), overrides);
        int classes = "cgan".equals(cfg.model().type()) ? 10 : 0;
        GanShape shape = new GanShape(cfg.data().channels(), cfg.data().imageSize(), cfg.model().latentSize(), classes,
                "projection".equals(cfg.model().conditioning()));
        Networks nets = Networks.build(cfg, shape);
        ComputationGraph g = nets.generator(), d = nets.discriminator();
        Map<String, Double> errors = compare(g, d, shape);
        double worst = errors.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        System.out.printf(Locale.ROOT, "%s %s: max relative error %.2e over %d arrays: %s%n", config,
                sets == null ? "" : sets, worst, errors.size(), errors);
        errors.forEach((what, err) -> assertTrue(err <= TOLERANCE, what + ": relative error " + err));
    }

    /** Relative error of each compared array, by name. */
    static Map<String, Double> compare(ComputationGraph g, ComputationGraph d, GanShape shape) {
        return compare(g, d, shape, BATCH);
    }

    /** {@link #compare(ComputationGraph, ComputationGraph, GanShape)} on a batch of {@code batch}. */
    static Map<String, Double> compare(ComputationGraph g, ComputationGraph d, GanShape shape, int batch) {
        Map<String, Double> errors = new LinkedHashMap<>();
        Nd4j.getRandom().setSeed(11);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % Math.max(1, shape.numClasses());
        INDArray[] gIn = Labels.generatorInputs(shape, Nd4j.randn(DataType.FLOAT, batch, shape.latentSize()), labels);
        INDArray real = Nd4j.rand(DataType.FLOAT, batch, shape.channels(), shape.size(), shape.size()).muli(2).subi(1);

        FastNet fastG = new FastNet(plan(g, "generator", ExternalGradientLoss.class));
        FastNet fastD = new FastNet(plan(d, "discriminator", BceWithLogitsLoss.class));
        LogitLoss loss = new LogitLoss(new NonSaturatingLoss());

        INDArray fake = g.outputSingle(true, gIn).dup();
        errors.put("G forward", rel(fastG.forward(gIn), fake));

        // D on the real batch, target 0.9: loss, every parameter gradient, input gradient
        INDArray[] dReal = Labels.discriminatorInputs(shape, real, labels);
        Dl4jPass ref = dl4jPass(d, dReal, 0.9);
        LogitLoss.Scored scored = loss.score(fastD.forward(dReal), new NonSaturatingLoss.Bce(0.9));
        INDArray inputGrad = fastD.backward(scored.gradient());
        errors.put("D loss", Math.abs(scored.loss() - ref.score) / Math.abs(ref.score));
        errors.put("D dLoss/dInput", rel(inputGrad, ref.inputGradient));
        compareGradients("D ", fastD, ref.gradients, errors);

        // G step: D's non-saturating loss on the fakes and its input gradient, then that gradient through G
        INDArray[] dFake = Labels.discriminatorInputs(shape, fake, labels);
        Dl4jPass onFake = dl4jPass(d, dFake, 1.0);
        scored = loss.score(fastD.forward(dFake), new NonSaturatingLoss.Bce(1.0));
        errors.put("G loss", Math.abs(scored.loss() - onFake.score) / Math.abs(onFake.score));
        errors.put("D dLoss/dFake", rel(fastD.backward(scored.gradient()), onFake.inputGradient));

        g.setInputs(gIn);
        g.setLabels(onFake.inputGradient);
        g.computeGradientAndScore();
        Map<String, INDArray> gRef = copies(parameters(g, g.gradient().gradientForVariable()));
        fastG.forward(gIn);
        fastG.backward(onFake.inputGradient.dup());
        compareGradients("G ", fastG, gRef, errors);
        return errors;
    }

    private static NetCompiler.Plan plan(ComputationGraph graph, String role,
                                         Class<? extends org.nd4j.linalg.lossfunctions.ILossFunction> loss) {
        try {
            return GraphCompiler.plan(graph, role, loss);
        } catch (NotCovered e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private record Dl4jPass(double score, Map<String, INDArray> gradients, INDArray inputGradient) {
    }

    private static Dl4jPass dl4jPass(ComputationGraph d, INDArray[] inputs, double target) {
        d.setInputs(inputs);
        d.setLabels(Nd4j.valueArrayOf(new long[]{inputs[0].size(0), 1}, target, DataType.FLOAT));
        d.computeGradientAndScore();
        return new Dl4jPass(d.score(), copies(parameters(d, d.gradient().gradientForVariable())),
                GanModels.inputGradient(d).captured().dup());
    }

    /**
     * The gradients of the graph's parameters: a BatchNorm with locked gamma and beta (conditional BatchNorm's first
     * half) also reports gradients for those constants, in a workspace already closed.
     */
    private static Map<String, INDArray> parameters(ComputationGraph net, Map<String, INDArray> gradients) {
        Map<String, INDArray> out = new LinkedHashMap<>(gradients);
        out.keySet().retainAll(net.paramTable().keySet());
        return out;
    }

    private static Map<String, INDArray> copies(Map<String, INDArray> arrays) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private static void compareGradients(String net, FastNet fast, Map<String, INDArray> ref, Map<String, Double> errors) {
        Map<String, INDArray> mine = fast.gradientsByVariable();
        assertEquals(ref.keySet(), mine.keySet(), net + "gradient arrays");
        ref.forEach((k, v) -> errors.put(net + k, rel(mine.get(k), v)));
    }

    private static double rel(INDArray actual, INDArray expected) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()));
        return actual.sub(expected).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
    }
}
