package dev.gan.eval;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metric formulas on small inputs whose answers are known in closed form. */
class MetricMathsTest {
    private static final double[][] I2 = {{1, 0}, {0, 1}};

    @Test
    void gaussianFitsMeanAndUnbiasedCovariance() {
        Gaussian g = Gaussian.of(new double[][]{{0, 0}, {2, 0}, {0, 2}, {2, 2}});
        assertArrayEquals(new double[]{1, 1}, g.mean(), 1e-12);
        assertArrayEquals(new double[]{4 / 3.0, 0}, g.covariance()[0], 1e-12);
        assertArrayEquals(new double[]{0, 4 / 3.0}, g.covariance()[1], 1e-12);
    }

    @Test
    void fidOfDiagonalGaussians() {
        // |m1-m2|^2 = 1 + 4; traces 5 and 13; tr sqrt(S1 S2) = sqrt(4) + sqrt(36) = 8  ->  5 + 5 + 13 - 16 = 7
        Gaussian a = new Gaussian(new double[]{0, 0}, new double[][]{{1, 0}, {0, 4}});
        Gaussian b = new Gaussian(new double[]{1, 2}, new double[][]{{4, 0}, {0, 9}});
        assertEquals(7.0, Fid.distance(a, b), 1e-9);
        assertEquals(7.0, Fid.distance(b, a), 1e-9);
        assertEquals(0.0, Fid.distance(a, a), 1e-9);
    }

    @Test
    void fidWithCorrelatedCovariance() {
        // S1 = 4 I commutes with anything: tr sqrt(S1 S2) = 2 tr sqrt(S2); S2 = [[2,1],[1,2]] has eigenvalues 1 and 3
        Gaussian a = new Gaussian(new double[]{0, 0}, new double[][]{{4, 0}, {0, 4}});
        Gaussian b = new Gaussian(new double[]{0, 0}, new double[][]{{2, 1}, {1, 2}});
        assertEquals(8 + 4 - 2 * 2 * (1 + Math.sqrt(3)), Fid.distance(a, b), 1e-9);
        // S1 and S2 that do not commute: compare with the 2x2 closed form tr sqrt(M) = sqrt(tr M + 2 sqrt(det M))
        Gaussian c = new Gaussian(new double[]{0, 0}, new double[][]{{3, 0}, {0, 1}});
        double trM = 3 * 2 + 1 * 2, detM = (3 * 1) * (2 * 2 - 1);
        assertEquals(4 + 4 - 2 * Math.sqrt(trM + 2 * Math.sqrt(detM)), Fid.distance(c, b), 1e-9);
    }

    @Test
    void fidOfSampledGaussiansApproachesTheClosedForm() {
        SplittableRandom r = new SplittableRandom(1);
        double[][] x = new double[20_000][], y = new double[20_000][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[]{r.nextGaussian(), 2 * r.nextGaussian()};          // N(0, diag(1, 4))
            y[i] = new double[]{1 + 2 * r.nextGaussian(), 2 + 3 * r.nextGaussian()}; // N((1,2), diag(4, 9))
        }
        assertEquals(7.0, Fid.distance(Gaussian.of(x), Gaussian.of(y)), 0.25);
    }

    @Test
    void fidHandlesSingularCovariance() {
        // a feature that is always 0 (a dead ReLU) gives a zero eigenvalue; rounding must not produce NaN
        Gaussian a = new Gaussian(new double[]{0, 0}, new double[][]{{1, 0}, {0, 0}});
        Gaussian b = new Gaussian(new double[]{0, 0}, new double[][]{{4, 0}, {0, 0}});
        assertEquals(1 + 4 - 2 * 2, Fid.distance(a, b), 1e-9);
        assertEquals(2.0, Fid.distance(new Gaussian(new double[]{0, 0}, I2), new Gaussian(new double[]{0, 0},
                new double[][]{{0, 0}, {0, 0}})), 1e-9);
    }

    @Test
    void kidOfPointMassesIsTheKernelDistance() {
        double[] a = {1, 2}, b = {-1, 0.5};
        double[][] x = {a, a, a}, y = {b, b, b, b};
        double expected = Kid.kernel(a, a, 2) + Kid.kernel(b, b, 2) - 2 * Kid.kernel(a, b, 2);
        assertEquals(expected, Kid.mmd2(x, y), 1e-9);
        assertEquals((2 * 0.5 / 2 + 1) * (2 * 0.5 / 2 + 1) * (2 * 0.5 / 2 + 1), Kid.kernel(new double[]{1, 1},
                new double[]{0.5, 0.5}, 2), 1e-12);
    }

    @Test
    void kidIsUnbiasedForSamplesOfOneDistribution() {
        // small samples of the same distribution: the unbiased estimate averages to 0 over many draws, while the
        // biased (V-statistic) estimate that keeps the k(x, x) terms stays clearly positive
        SplittableRandom r = new SplittableRandom(3);
        int draws = 400, n = 20, d = 4;
        double sum = 0, sumSq = 0, biasedSum = 0;
        for (int t = 0; t < draws; t++) {
            double[][] x = normal(r, n, d), y = normal(r, n, d);
            double v = Kid.mmd2(x, y);
            sum += v;
            sumSq += v * v;
            biasedSum += v + diagonalBias(x, d) + diagonalBias(y, d);
        }
        double mean = sum / draws, sd = Math.sqrt(sumSq / draws - mean * mean), stderr = sd / Math.sqrt(draws);
        assertTrue(Math.abs(mean) < 3 * stderr, "mean " + mean + " vs stderr " + stderr);
        assertTrue(biasedSum / draws > 10 * stderr, "the biased estimate " + biasedSum / draws + " is visibly off");
        // and a shifted distribution is clearly positive
        assertTrue(Kid.mmd2(normal(r, 200, d), shift(normal(r, 200, d), 1.0)) > 0.5);
    }

    /** What including the diagonal k(x_i, x_i) adds to the unbiased within-sample term. */
    private static double diagonalBias(double[][] s, int d) {
        int n = s.length;
        double diag = 0, off = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i == j) diag += Kid.kernel(s[i], s[j], d);
                else off += Kid.kernel(s[i], s[j], d);
            }
        }
        return (diag + off) / ((double) n * n) - off / ((double) n * (n - 1));
    }

    @Test
    void inceptionScoreBounds() {
        double[][] confidentBalanced = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        assertEquals(3.0, InceptionScore.of(confidentBalanced), 1e-12);
        double[][] sameEverywhere = {{0.2, 0.8}, {0.2, 0.8}, {0.2, 0.8}};
        assertEquals(1.0, InceptionScore.of(sameEverywhere), 1e-12);
        double[][] oneClass = {{1, 0}, {1, 0}};
        assertEquals(1.0, InceptionScore.of(oneClass), 1e-12);
        // p1 = (1, 0), p2 = (0.5, 0.5): marginal (0.75, 0.25)
        double kl1 = Math.log(1 / 0.75), kl2 = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25);
        assertEquals(Math.exp((kl1 + kl2) / 2), InceptionScore.of(new double[][]{{1, 0}, {0.5, 0.5}}), 1e-12);
    }

    @Test
    void precisionAndRecallOnConstructedClouds() {
        SplittableRandom r = new SplittableRandom(5);
        double[][] real = uniform(r, 500, 0, 2);   // the square [0, 2]^2
        PrecisionRecall.Result same = PrecisionRecall.of(real, real, 3);
        assertEquals(1.0, same.precision(), 1e-12);
        assertEquals(1.0, same.recall(), 1e-12);

        // fakes from another draw of the same square: both near 1
        PrecisionRecall.Result fresh = PrecisionRecall.of(real, uniform(r, 500, 0, 2), 3);
        assertTrue(fresh.precision() > 0.9 && fresh.recall() > 0.9, fresh.toString());

        // fakes in the lower-left quarter only: realistic (precision ~1) but cover ~1/4 of the data
        PrecisionRecall.Result quarter = PrecisionRecall.of(real, uniform(r, 500, 0, 1), 3);
        assertTrue(quarter.precision() > 0.9, quarter.toString());
        assertTrue(quarter.recall() > 0.2 && quarter.recall() < 0.35, quarter.toString());

        // mode collapse: every fake is the same real-looking point; precision 1, recall tiny
        double[][] collapsed = new double[500][];
        for (int i = 0; i < collapsed.length; i++) collapsed[i] = real[0].clone();
        PrecisionRecall.Result one = PrecisionRecall.of(real, collapsed, 3);
        assertEquals(1.0, one.precision(), 1e-12);
        assertTrue(one.recall() < 0.02, one.toString());

        // far away: neither
        PrecisionRecall.Result far = PrecisionRecall.of(real, uniform(r, 500, 10, 12), 3);
        assertEquals(0.0, far.precision(), 1e-12);
        assertEquals(0.0, far.recall(), 1e-12);
    }

    @Test
    void kthNeighbourDistance() {
        double[][] line = {{0}, {1}, {3}, {6}, {10}};
        // for 0: neighbours at 1, 3, 6 -> 3rd is 6 (squared 36); for 3: 1 (2), 0 (3), 6 (3) -> 3; for 10: 6, 3, 1 -> 9
        assertArrayEquals(new double[]{36, 25, 9, 25, 81}, PrecisionRecall.kthNeighbourDistances(line, 3), 1e-12);
    }

    @Test
    void coverageAndEntropyOfClassHistograms() {
        int[] balanced = new int[1000];
        for (int i = 0; i < balanced.length; i++) balanced[i] = i % 10;
        ClassHistogram h = new ClassHistogram(balanced, 10);
        assertEquals(1.0, h.coverage(), 1e-12);
        assertEquals(Math.log(10), h.entropy(), 1e-12);

        int[] skewed = new int[1000];   // 991 in class 0, 9 (0.9% < 1%) in class 1, none elsewhere
        for (int i = 0; i < 9; i++) skewed[i] = 1;
        ClassHistogram s = new ClassHistogram(skewed, 10);
        assertEquals(0.1, s.coverage(), 1e-12);
        assertEquals(-(0.991 * Math.log(0.991) + 0.009 * Math.log(0.009)), s.entropy(), 1e-12);
        assertEquals(0.0, new ClassHistogram(new int[100], 10).entropy(), 1e-12);

        assertArrayEquals(new int[]{2, 0}, ClassHistogram.argmax(new double[][]{{0.1, 0.2, 0.7}, {0.5, 0.4, 0.1}}));
        assertEquals(0.5, ClassHistogram.accuracy(new int[]{1, 2, 3, 4}, new int[]{1, 2, 0, 0}), 1e-12);
    }

    private static double[][] normal(SplittableRandom r, int n, int d) {
        double[][] out = new double[n][d];
        for (double[] row : out) {
            for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        }
        return out;
    }

    private static double[][] shift(double[][] s, double by) {
        for (double[] row : s) {
            for (int j = 0; j < row.length; j++) row[j] += by;
        }
        return s;
    }

    private static double[][] uniform(SplittableRandom r, int n, double lo, double hi) {
        double[][] out = new double[n][2];
        for (double[] row : out) {
            row[0] = lo + (hi - lo) * r.nextDouble();
            row[1] = lo + (hi - lo) * r.nextDouble();
        }
        return out;
    }
}
