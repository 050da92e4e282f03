package dev.gan.generate;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Latent noise and random labels as pure functions of (seed, stream): the noise of any step can be recomputed from
 * the seed and the step number alone, so a resumed run draws exactly the noise the uninterrupted run would have,
 * and {@code gan sample --seed S} gives the same images on every machine. ND4J's own RNG state cannot be saved in
 * DL4J 1.0.0-M2.1, so it is not used for anything that must be reproduced.
 */
public final class Noise {
    /** Stream of the fixed noise behind the sample grids. */
    public static final long FIXED = -1;

    private Noise() {
    }

    private static SplittableRandom rng(long seed, long stream) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (stream + 0x632BE59BD9B4E019L) * 0xBF58476D1CE4E5B9L);
    }

    /** [rows, cols] standard normal floats. */
    public static INDArray normal(long seed, long stream, int rows, int cols) {
        SplittableRandom r = rng(seed, stream);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Nd4j.create(v, new long[]{rows, cols}, DataType.FLOAT);
    }

    /** The random source of stream {@code stream}'s augmentations ({@link DiffAugment}). */
    public static SplittableRandom augmentation(long seed, long stream) {
        return rng(seed, stream ^ 0x3C6EF372FE94F82AL);
    }

    /** {@code n} labels uniform in [0, numClasses). */
    public static int[] labels(long seed, long stream, int n, int numClasses) {
        SplittableRandom r = rng(seed, stream ^ 0x5DEECE66DL);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = r.nextInt(numClasses);
        return out;
    }
}
