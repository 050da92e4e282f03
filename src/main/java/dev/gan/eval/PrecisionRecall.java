package dev.gan.eval;

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019). Each sample of a set gets a ball reaching its k-th
 * nearest neighbour in the same set; the union of the balls approximates the set's manifold. Precision is the share
 * of generated samples inside the real manifold (are the samples realistic?), recall the share of real samples
 * inside the generated manifold (is all of the data covered?). Both in [0, 1], higher is better.
 *
 * <p>The balls depend on sample density, so both sets should have the same size (gan eval draws them so).
 */
public final class PrecisionRecall {
    /** The paper's choice of neighbourhood size. */
    public static final int K = 3;

    private PrecisionRecall() {
    }

    public record Result(double precision, double recall) {
    }

    public static Result of(double[][] real, double[][] fake, int k) {
        double[] realRadii = kthNeighbourDistances(real, k);
        double[] fakeRadii = kthNeighbourDistances(fake, k);
        return new Result(shareInside(fake, real, realRadii), shareInside(real, fake, fakeRadii));
    }

    /** Squared distance from each point to its k-th nearest other point of the same set. */
    static double[] kthNeighbourDistances(double[][] s, int k) {
        if (s.length <= k) throw new IllegalArgumentException("need more than k = " + k + " samples, got " + s.length);
        double[] out = new double[s.length];
        double[] nearest = new double[k];
        for (int i = 0; i < s.length; i++) {
            java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
            for (int j = 0; j < s.length; j++) {
                if (j == i) continue;
                double d = squaredDistance(s[i], s[j]);
                if (d < nearest[k - 1]) insert(nearest, d);
            }
            out[i] = nearest[k - 1];
        }
        return out;
    }

    /** Keeps {@code sorted} the k smallest values seen. */
    private static void insert(double[] sorted, double d) {
        int p = sorted.length - 1;
        while (p > 0 && sorted[p - 1] > d) {
            sorted[p] = sorted[p - 1];
            p--;
        }
        sorted[p] = d;
    }

    /** Share of {@code queries} that fall in at least one ball (centre from {@code centres}, squared radius). */
    private static double shareInside(double[][] queries, double[][] centres, double[] radii) {
        int inside = 0;
        for (double[] q : queries) {
            for (int j = 0; j < centres.length; j++) {
                if (squaredDistance(q, centres[j]) <= radii[j]) {
                    inside++;
                    break;
                }
            }
        }
        return inside / (double) queries.length;
    }

    static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
