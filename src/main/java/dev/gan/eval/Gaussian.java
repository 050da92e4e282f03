package dev.gan.eval;

/**
 * The mean and covariance of a set of feature vectors: the Gaussian that FID fits to each side.
 * Covariance uses n - 1 in the denominator, as numpy's {@code np.cov} does in the reference FID code.
 *
 * @param mean       per-dimension mean
 * @param covariance d x d sample covariance
 */
public record Gaussian(double[] mean, double[][] covariance) {

    /** Fits the Gaussian of {@code features} (n rows of d values, n >= 2). */
    public static Gaussian of(double[][] features) {
        int n = features.length;
        if (n < 2) throw new IllegalArgumentException("need at least 2 feature vectors, got " + n);
        int d = features[0].length;
        double[] mean = new double[d];
        for (double[] f : features) {
            for (int j = 0; j < d; j++) mean[j] += f[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= n;
        double[][] cov = new double[d][d];
        double[] c = new double[d];
        for (double[] f : features) {
            for (int j = 0; j < d; j++) c[j] = f[j] - mean[j];
            for (int a = 0; a < d; a++) {
                double ca = c[a];
                if (ca == 0) continue;
                double[] row = cov[a];
                for (int b = a; b < d; b++) row[b] += ca * c[b];
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= (n - 1);
                cov[b][a] = cov[a][b];
            }
        }
        return new Gaussian(mean, cov);
    }

    public int dimension() {
        return mean.length;
    }
}
