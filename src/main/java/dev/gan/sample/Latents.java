package dev.gan.sample;

import dev.gan.generate.Noise;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Latent vectors for sampling. Image {@code i} of seed {@code s} has the noise vector {@code Noise.normal(s, i)}, a
 * pure function of the two numbers: the images do not depend on the batch size or on how many are asked for, so
 * {@code --samples 10} gives the first ten images of {@code --samples 1000}, and a grid's first cell is image 0.
 */
final class Latents {
    private Latents() {
    }

    /** The latent vector of image {@code index} of {@code seed}. */
    static float[] of(long seed, long index, int latentSize) {
        return Noise.normal(seed, index, 1, latentSize).data().asFloat();
    }

    /** [n, latentSize]: the latent vectors of images {@code first .. first+n-1}. */
    static INDArray rows(long seed, long first, int n, int latentSize) {
        float[] flat = new float[n * latentSize];
        for (int i = 0; i < n; i++) System.arraycopy(of(seed, first + i, latentSize), 0, flat, i * latentSize, latentSize);
        return Nd4j.create(flat, new long[]{n, latentSize}, DataType.FLOAT);
    }

    /**
     * Spherical interpolation between {@code a} and {@code b}: it keeps intermediate vectors near the typical length
     * of high-dimensional Gaussian noise, where a straight line would cut through the short vectors of the middle,
     * which the generator never saw in training (washed-out images halfway).
     */
    static float[] slerp(float[] a, float[] b, double t) {
        double na = norm(a), nb = norm(b), dot = 0;
        for (int i = 0; i < a.length; i++) dot += a[i] * (double) b[i];
        double cos = Math.max(-1, Math.min(1, dot / (na * nb)));
        double omega = Math.acos(cos), sin = Math.sin(omega);
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            // nearly parallel vectors: slerp degenerates to a straight line
            double wa = sin < 1e-6 ? 1 - t : Math.sin((1 - t) * omega) / sin;
            double wb = sin < 1e-6 ? t : Math.sin(t * omega) / sin;
            out[i] = (float) (wa * a[i] + wb * b[i]);
        }
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += x * (double) x;
        return Math.sqrt(s);
    }
}
