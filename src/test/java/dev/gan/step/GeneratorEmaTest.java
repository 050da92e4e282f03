package dev.gan.step;

import dev.gan.config.AdamConfig;
import dev.gan.config.EmaConfig;
import dev.gan.config.ModelConfig;
import dev.gan.model.GanModels;
import dev.gan.model.GanShape;
import dev.gan.system.Backend;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The EMA generator's schedule (StyleGAN2-ADA's formula) and its update on the flat parameter array. */
class GeneratorEmaTest {
    @BeforeAll
    static void init() {
        Backend.init();
    }

    private static ComputationGraph generator() {
        ModelConfig m = new ModelConfig("dcgan", 16, 8, 8, true, 0, true, 0.0, false, 0, "dcgan", "concat", "auto", "none");
        return GanModels.generator(m, new GanShape(1, 28, 16, 0), AdamConfig.defaults(), 1);
    }

    @Test
    void betaRampsUpThenHoldsTheHalfLife() {
        ComputationGraph g = generator();
        GeneratorEma ema = GeneratorEma.start(new EmaConfig(10, 0.05), g, SpectralNorm.off());
        assertEquals(0.0, ema.beta(1, 64), "the first update copies G (no images seen before it)");
        // update 101: 6,400 images before it, n = min(10,000, 6,400 x 0.05 = 320)
        assertEquals(Math.pow(0.5, 64 / 320.0), ema.beta(101, 64), 1e-15);
        // late in training the half-life is kimg: 10,000 images = 156 updates of 64
        assertEquals(Math.pow(0.5, 64 / 10_000.0), ema.beta(10_001, 64), 1e-15);
        GeneratorEma noRampup = GeneratorEma.start(new EmaConfig(10, 0), g, SpectralNorm.off());
        assertEquals(Math.pow(0.5, 64 / 10_000.0), noRampup.beta(1, 64), 1e-15);
    }

    @Test
    void updateMovesEveryParameterTowardsG() {
        ComputationGraph g = generator();
        GeneratorEma ema = GeneratorEma.start(new EmaConfig(10, 0.05), g, SpectralNorm.off());
        assertEquals(0.0, ema.graph().params().sub(g.params()).amaxNumber().doubleValue(), "starts as G");
        assertTrue(ema.graph() != g && ema.graph().params().data() != g.params().data(), "a graph of its own");
        g.params().addi(Nd4j.randn(DataType.FLOAT, g.params().shape()).muli(0.1));
        g.getConfiguration().setIterationCount(101);   // G has made 101 updates, the last one just now
        INDArray before = ema.graph().params().dup();
        ema.update(g, 64);
        double beta = ema.beta(101, 64);
        // all of them, BatchNorm's running statistics included: they are parameters in DL4J
        INDArray expected = before.mul(beta).addi(g.params().mul(1 - beta));
        assertTrue(expected.sub(ema.graph().params()).amaxNumber().doubleValue() < 1e-6);
    }
}
