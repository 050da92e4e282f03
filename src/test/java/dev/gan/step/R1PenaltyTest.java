package dev.gan.step;

import dev.gan.TestRuns;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.model.GanShape;
import dev.gan.step.fast.FastStep;
import dev.gan.system.Backend;
import dev.gan.train.Networks;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The R1 phase's parameter gradient, as both engines compute it (float32, finite difference of first-order
 * gradients, {@link R1Penalty}), against a double-precision reference: central differences of the penalty itself,
 * P(theta) = gamma/2 * mean_i ||grad_x D(x_i)||^2 evaluated by DL4J's layers in DataType.DOUBLE, one parameter at a
 * time, on a tiny D without BatchNorm (every 13th of its 363 parameters, all layers, weights and biases: DL4J in
 * double is slow).
 *
 * <p>Tolerance 1e-5 relative (||engine - reference|| / ||reference||). The reference's own error is ~1e-9 (double,
 * h = 1e-6 on a function that is polynomial in each parameter between kinks). The engines' difference is exact on
 * D's frozen linear piece, so what is left is float32 rounding: measured 1e-7 to 2e-7 for both engines. The same
 * difference without frozen LeakyReLUs was off by 6x (e = 1e-3) - kinks crossed - and a wrong factor (gamma, 1/2,
 * the batch size, the lazy interval) is off by 50% or more, a wrong sign by 200%.
 */
class R1PenaltyTest {
    private static final double TOLERANCE = 1e-5, GAMMA = 2.0;
    private static final int BATCH = 4, STRIDE = 13;

    @TempDir
    Path tmp;

    @BeforeAll
    static void init() {
        Backend.init();
    }

    @Test
    void bothEnginesGiveThePenaltysGradient() throws Exception {
        ExperimentConfig cfg = ConfigLoader.load(TestRuns.tinyConfig(tmp, "r1", ""), List.of("model.d_width=2",
                "model.d_batch_norm=false", "training.r1_gamma=" + GAMMA, "training.r1_every=1"));
        GanShape shape = new GanShape(1, 28, cfg.model().latentSize(), 0);
        Networks nets = Networks.build(cfg, shape);
        ComputationGraph g = nets.generator(), d = nets.discriminator();
        Nd4j.getRandom().setSeed(5);
        INDArray real = Nd4j.rand(DataType.FLOAT, BATCH, 1, 28, 28).muli(2).subi(1);
        int[] labels = new int[BATCH];

        INDArray reference = reference(d, real);
        Objective objective = Objective.of(cfg.training());
        INDArray dl4j = sampled(new Dl4jStep(g, d, shape, objective, null, SpectralNorm.off(), SpectralNorm.off()).r1Gradient(real, labels));
        INDArray fast = sampled(new FastStep(g, d, shape, objective, null, SpectralNorm.off(), SpectralNorm.off()).r1Gradient(real, labels));
        double errDl4j = rel(dl4j, reference), errFast = rel(fast, reference);
        System.out.printf(Locale.ROOT, "R1 gradient vs double reference over %d parameters: dl4j %.2e, fast %.2e%n",
                reference.length(), errDl4j, errFast);
        assertTrue(errDl4j <= TOLERANCE, "dl4j engine: relative error " + errDl4j);
        assertTrue(errFast <= TOLERANCE, "fast engine: relative error " + errFast);
    }

    @Test
    void lazyR1IsDueEveryNthStepAndScaledByN() {
        R1Penalty lazy = new R1Penalty(1.0, 4);
        assertTrue(lazy.due(0) && !lazy.due(1) && !lazy.due(3) && lazy.due(4) && lazy.due(8));
        INDArray sum = Nd4j.zeros(DataType.DOUBLE, 1, 2);
        lazy.accumulate(sum, Nd4j.createFromArray(new double[][]{{3, 1}}), Nd4j.createFromArray(new double[][]{{1, 1}}), 0.5);
        // every * gamma * (plus - minus) / (2e) = 4 * 1 * 2 / 1
        assertTrue(sum.getDouble(0, 0) == 8 && sum.getDouble(0, 1) == 0, sum.toString());
    }

    /**
     * B * dP/dtheta by central differences in double, P from DL4J's own input gradient of sum_i D(x_i) - the
     * minibatch-sum convention the engines' gradients use (D's updater divides by B).
     */
    private static INDArray reference(ComputationGraph floatD, INDArray realFloat) {
        ComputationGraph d = floatD.convertDataType(DataType.DOUBLE);
        INDArray real = realFloat.castTo(DataType.DOUBLE);
        Dl4jPasses passes = new Dl4jPasses(d);
        INDArray params = d.params();
        double h = 1e-6;
        INDArray out = Nd4j.zeros(DataType.DOUBLE, (params.length() + STRIDE - 1) / STRIDE);
        for (long j = 0; j < params.length(); j += STRIDE) {
            double v = params.getDouble(j);
            params.putScalar(j, v + h);
            double plus = penalty(passes, real);
            params.putScalar(j, v - h);
            double minus = penalty(passes, real);
            params.putScalar(j, v);
            out.putScalar(j / STRIDE, BATCH * (plus - minus) / (2 * h));
        }
        return out;
    }

    /** Every STRIDE-th parameter, the ones the reference differentiates (it is slow: DL4J in double, two passes each). */
    private static INDArray sampled(INDArray gradient) {
        double[] all = gradient.castTo(DataType.DOUBLE).toDoubleVector();
        double[] out = new double[(all.length + STRIDE - 1) / STRIDE];
        for (int j = 0; j < all.length; j += STRIDE) out[j / STRIDE] = all[j];
        return Nd4j.createFromArray(out);
    }

    private static double penalty(Dl4jPasses passes, INDArray real) {
        passes.run(new INDArray[]{real}, LogitFunction.SUM, new WassersteinLoss());
        double norm = passes.inputGradient().captured().norm2Number().doubleValue();
        return GAMMA / 2 * norm * norm / BATCH;
    }

    private static double rel(INDArray actual, INDArray expected) {
        return actual.reshape(expected.shape()).sub(expected).norm2Number().doubleValue()
                / expected.norm2Number().doubleValue();
    }
}
