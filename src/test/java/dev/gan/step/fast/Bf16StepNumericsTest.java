package dev.gan.step.fast;

import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.model.BceWithLogitsLoss;
import dev.gan.model.ExternalGradientLoss;
import dev.gan.model.GanShape;
import dev.gan.model.Labels;
import dev.gan.step.NonSaturatingLoss;
import dev.gan.system.Backend;
import dev.gan.train.Networks;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
 * The passes of one GAN step with training.precision bf16 against the fast engine in fp32, on the same tiny DCGANs
 * (and a ResNet) with the same weights and batch: G's output, D's logits and loss, every D and G parameter gradient
 * (BatchNorm's included: they see the bf16 convolutions' outputs), D's input gradients on reals and fakes, each as
 * ||bf16 - fp32|| / ||fp32||. The fp32 side is the fast engine, which FastNetNumericsTest holds to DL4J's layers.
 *
 * <p>Tolerances. Forward outputs and the losses: {@link DnnlConvStageTest#BF16} (1e-2; measured up to 6e-3).
 * Gradients differ more than one layer's rounding (2e-3..3e-3, {@link DnnlConvStageTest}), and not because of bf16
 * arithmetic: where rounding moves a pre-activation across 0, a (leaky) ReLU passes a different share of the gradient
 * there, and BatchNorm's backward pass subtracts means that nearly cancel. The fp32 engine itself, with only its
 * weights and inputs rounded to bf16 (every operation still float32), moves the same gradients by similar amounts -
 * up to 0.14 on these young random (DCGAN and ResNet) networks, against up to 0.12 for bf16; and wherever bf16 is off
 * by more than 1e-2, by at least 1/1.9 of bf16's difference. So each gradient must be within the larger of 1e-2 and
 * {@link #OVER_ROUNDING} (3) times that rounded-fp32 difference: bf16 stays as close to fp32 as fp32's own
 * sensitivity to bf16-sized changes of its weights, while a wrong layout, a lost bias or a stale buffer is off by
 * O(1).
 */
class Bf16StepNumericsTest {
    private static final int BATCH = 8;
    private static final double OVER_ROUNDING = 3;
    private static final List<String> FORWARD = List.of("G output", "D logits (reals)", "D loss (reals)",
            "G loss (D on fakes)");

    @BeforeAll
    static void init() {
        Backend.init();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "model.g_width=16,model.d_width=16,model.latent_size=16,data.image_size=32,data.channels=3",
            "model.g_width=8,model.d_width=8,model.latent_size=16",
            "model.g_width=8,model.d_width=8,model.latent_size=16,model.batch_norm=false",
            // residual blocks: the graph stage runs the same bf16 convolutions (3x3 and 1x1 shortcuts)
            "model.arch=resnet,model.g_width=16,model.d_width=16,model.latent_size=16"})
    void bf16StepMatchesFp32(String sets) {
        DnnlConvStageTest.assumeBf16();
        List<String> overrides = new ArrayList<>(List.of("training.batch_size=" + BATCH));
        overrides.addAll(List.of(sets.split(",")));
        ExperimentConfig cfg = ConfigLoader.load(Path.of("configs/dcgan.yaml"), overrides);
        GanShape shape = new GanShape(cfg.data().channels(), cfg.data().imageSize(), cfg.model().latentSize(), 0);
        Networks nets = Networks.build(cfg, shape);
        ComputationGraph g = nets.generator(), d = nets.discriminator();

        Passes fp32 = passes(g, d, shape, Precision.FP32, false), bf16 = passes(g, d, shape, Precision.BF16, false);
        Passes rounded = passes(g, d, shape, Precision.FP32, true);
        Map<String, Double> errors = new LinkedHashMap<>(), noise = new LinkedHashMap<>();
        fp32.arrays.forEach((what, ref) -> {
            errors.put(what, DnnlConvStageTest.rel(bf16.arrays.get(what), ref));
            noise.put(what, DnnlConvStageTest.rel(rounded.arrays.get(what), ref));
        });
        double worst = errors.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double worstNoise = noise.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        System.out.printf(Locale.ROOT, "%s: max relative error %.2e over %d arrays (fp32 with bf16-rounded weights and "
                + "inputs: %.2e)%n  bf16:    %s%n  rounded: %s%n", sets, worst, errors.size(), worstNoise, errors, noise);
        double[] closest = {0};
        errors.forEach((what, err) -> {
            double tolerance = FORWARD.contains(what) ? DnnlConvStageTest.BF16
                    : Math.max(DnnlConvStageTest.BF16, OVER_ROUNDING * noise.get(what));
            closest[0] = Math.max(closest[0], err / tolerance);
            assertTrue(err <= tolerance, what + ": relative error " + err + " > " + tolerance);
        });
        System.out.printf(Locale.ROOT, "  closest to its tolerance: %.0f%%%n", 100 * closest[0]);
        assertTrue(worst > 1e-5, "bf16 ran in bf16: " + worst);
    }

    private record Passes(Map<String, INDArray> arrays) {
        /** {@code x} rounded to bf16 and back: float32 values with bf16's 8 significant bits. */
        static INDArray bf16(INDArray x) {
            return x.castTo(DataType.BFLOAT16).castTo(DataType.FLOAT);
        }
    }

    /** G forward; D forward and backward on reals and on the fakes; G backward from D's gradient on the fakes. */
    private static Passes passes(ComputationGraph g, ComputationGraph d, GanShape shape, Precision precision,
                                 boolean rounded) {
        INDArray gParams = g.params().dup(), dParams = d.params().dup();
        if (rounded) {
            g.params().assign(Passes.bf16(gParams));
            d.params().assign(Passes.bf16(dParams));
        }
        try {
            return passes(g, d, shape, precision, rounded ? Passes::bf16 : x -> x);
        } finally {
            g.params().assign(gParams);
            d.params().assign(dParams);
        }
    }

    private static Passes passes(ComputationGraph g, ComputationGraph d, GanShape shape, Precision precision,
                                 java.util.function.UnaryOperator<INDArray> input) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        Nd4j.getRandom().setSeed(11);
        INDArray[] gIn = Labels.generatorInputs(shape,
                input.apply(Nd4j.randn(DataType.FLOAT, BATCH, shape.latentSize())), new int[BATCH]);
        INDArray real = input.apply(Nd4j.rand(DataType.FLOAT, BATCH, shape.channels(), shape.size(), shape.size())
                .muli(2).subi(1));
        FastNet fastG = new FastNet(plan(g, "generator", ExternalGradientLoss.class, precision));
        fastG.fuseNormRectifiers();   // as FastStep runs G (bf16: BatchNorm's fused ReLU; fp32: nothing to fuse)
        FastNet fastD = new FastNet(plan(d, "discriminator", BceWithLogitsLoss.class, precision));
        LogitLoss loss = new LogitLoss(new NonSaturatingLoss());

        INDArray fake = fastG.forward(gIn).dup();
        out.put("G output", fake);
        INDArray logits = fastD.forward(real);
        out.put("D logits (reals)", logits.dup());
        LogitLoss.Scored onReal = loss.score(logits, new NonSaturatingLoss.Bce(0.9));
        out.put("D loss (reals)", Nd4j.scalar(onReal.loss()));
        out.put("D dLoss/dReal", fastD.backward(onReal.gradient()).dup());
        fastD.gradientsByVariable().forEach((k, v) -> out.put("D " + k, v.dup()));

        LogitLoss.Scored onFake = loss.score(fastD.forward(fake), new NonSaturatingLoss.Bce(1.0));
        out.put("G loss (D on fakes)", Nd4j.scalar(onFake.loss()));
        out.put("D dLoss/dFake", fastD.backwardToInput(onFake.gradient()).dup());
        // G's gradients from one fixed dLoss/dFake for both precisions, so that they measure G's own passes
        fastG.forward(gIn);
        Nd4j.getRandom().setSeed(3);
        fastG.backwardToParameters(Nd4j.randn(DataType.FLOAT, fake.shape()).muli(1e-2));
        fastG.gradientsByVariable().forEach((k, v) -> out.put("G " + k, v.dup()));
        assertEquals(shape.channels(), fake.size(1));
        return new Passes(out);
    }

    private static NetCompiler.Plan plan(ComputationGraph graph, String role,
                                         Class<? extends org.nd4j.linalg.lossfunctions.ILossFunction> loss,
                                         Precision precision) {
        try {
            return GraphCompiler.plan(graph, role, loss, precision);
        } catch (NotCovered e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
