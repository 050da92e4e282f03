package dev.gan.generate;

import dev.gan.config.AdamConfig;
import dev.gan.config.ModelConfig;
import dev.gan.model.GanModels;
import dev.gan.model.GanShape;
import dev.gan.model.Labels;
import dev.gan.system.Backend;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standing statistics make a generator in inference mode produce what it produces in training mode (BatchNorm on
 * the batch's own statistics), which wrong running statistics do not, and they never touch the graph they copy.
 */
class StandingStatisticsTest {
    private static final GanShape DCGAN = new GanShape(1, 28, 16, 0);
    private static final GanShape CGAN = new GanShape(3, 32, 16, 3);

    @BeforeAll
    static void init() {
        Backend.init();
    }

    private static ComputationGraph generator(GanShape shape, boolean batchNorm) {
        String type = shape.conditional() ? "cgan" : "dcgan";
        ModelConfig m = new ModelConfig(type, shape.latentSize(), 8, 8, batchNorm, shape.numClasses(), true, 0.0,
                false, 0, "dcgan", "concat", "auto", "none");
        return GanModels.generator(m, shape, AdamConfig.defaults(), 7);
    }

    /** Running statistics that describe nothing the layers see: every mean 3, every standard deviation 10. */
    private static void corrupt(ComputationGraph g) {
        for (String name : StandingStatistics.batchNorms(g.getConfiguration())) {
            g.getLayer(name).getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).assign(3);
            g.getLayer(name).getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).assign(1);
        }
    }

    /**
     * Mean |G(z) in inference mode - G(z) in training mode| over 256 images of noise no statistic was taken from, as a
     * share of the training-mode images' mean absolute deviation.
     */
    private static double inferenceVsTraining(ComputationGraph g, GanShape shape) {
        INDArray z = Noise.normal(99, 5, 256, shape.latentSize());
        int[] labels = shape.conditional() ? Noise.labels(99, 5, 256, shape.numClasses()) : null;
        INDArray[] in = Labels.generatorInputs(shape, z, labels);
        INDArray inference = g.output(false, in)[0].dup();
        INDArray training = g.output(true, in)[0].dup();
        double spread = Transforms.abs(training.sub(training.meanNumber())).meanNumber().doubleValue();
        return Transforms.abs(inference.sub(training)).meanNumber().doubleValue() / spread;
    }

    @Test
    void inferenceModeMatchesTrainingModeAfterwards() {
        for (GanShape shape : new GanShape[]{DCGAN, CGAN}) {
            ComputationGraph g = generator(shape, true);
            corrupt(g);
            double before = inferenceVsTraining(g, shape);
            StandingStatistics.apply(g, shape);
            double after = inferenceVsTraining(g, shape);
            // measured: about 1.0 before, 0.017 (DCGAN) and 0.038 (CGAN) after; what is left is the batch's own
            // statistics in training mode differing from those of 512 other images
            assertTrue(before > 0.5, shape + ": corrupted statistics should change the images, got " + before);
            assertTrue(after < 0.1, shape + ": inference with standing statistics differs from training mode by "
                    + after);
        }
    }

    @Test
    void aPureFunctionOfTheWeights() {
        ComputationGraph a = generator(CGAN, true);
        ComputationGraph b = a.clone();
        corrupt(b);   // the statistics a graph had before do not matter
        StandingStatistics.apply(a, CGAN);
        StandingStatistics.apply(b, CGAN);
        assertEquals(0.0, a.params().sub(b.params()).amaxNumber().doubleValue());
    }

    @Test
    void aCopyRecomputedOnlyWhenTheVersionMoves() {
        ComputationGraph g = generator(DCGAN, true);
        corrupt(g);
        INDArray original = g.params().dup();
        StandingStatistics cache = new StandingStatistics(DCGAN);
        ComputationGraph first = cache.of(g, 5);
        assertNotSame(g, first);
        assertEquals(0.0, g.params().sub(original).amaxNumber().doubleValue(), "the averaged graph is untouched");
        assertTrue(inferenceVsTraining(first, DCGAN) < 0.1);
        assertSame(first, cache.of(g, 5));
        INDArray firstParams = first.params().dup();

        g.params().muli(1.5);   // the average moved
        cache.of(g, 5);
        assertEquals(0.0, first.params().sub(firstParams).amaxNumber().doubleValue(),
                "the same version: neither copied nor recomputed");
        ComputationGraph second = cache.of(g, 6);
        ComputationGraph expected = g.clone();
        StandingStatistics.apply(expected, DCGAN);
        assertEquals(0.0, expected.params().sub(second.params()).amaxNumber().doubleValue(),
                "a new version: g's weights, the statistics recomputed for them");
        assertTrue(inferenceVsTraining(second, DCGAN) < 0.1);
    }

    @Test
    void aGeneratorWithoutBatchNormIsUsedAsItIs() {
        ComputationGraph g = generator(DCGAN, false);
        INDArray original = g.params().dup();
        assertSame(g, new StandingStatistics(DCGAN).of(g, 1));
        StandingStatistics.apply(g, DCGAN);
        assertEquals(0.0, g.params().sub(original).amaxNumber().doubleValue());
    }
}
