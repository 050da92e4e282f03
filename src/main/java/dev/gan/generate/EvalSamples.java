package dev.gan.generate;

import dev.gan.model.GanShape;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The images a generator is scored on: {@code n} samples from noise (and, for a CGAN, uniformly drawn classes) that
 * depend only on the seed, on a stream of their own, so that every evaluation of every checkpoint sees the same z.
 */
public final class EvalSamples {
    /** Noise stream of evaluation samples (the sample grids use {@link Noise#FIXED}). */
    public static final long STREAM = -2;

    private EvalSamples() {
    }

    /** Images in [-1, 1] and the classes they were generated for (null for a DCGAN). */
    public record Generated(INDArray images, int[] labels) {
    }

    public static Generated generate(ComputationGraph g, GanShape shape, int n, long seed, int batchSize) {
        INDArray z = Noise.normal(seed, STREAM, n, shape.latentSize());
        int[] labels = shape.conditional() ? Noise.labels(seed, STREAM, n, shape.numClasses()) : null;
        return new Generated(Samples.generate(g, shape, z, labels, batchSize), labels);
    }
}
