package dev.gan.eval;

/**
 * The Inception-style score (Salimans et al. 2016) of class probabilities: {@code exp(E_x KL(p(y|x) || p(y)))}.
 * It is 1 when every sample gets the same distribution and the number of classes K when each sample is confidently
 * one class and the classes are used equally; higher is better, K is the ceiling.
 */
public final class InceptionScore {
    private InceptionScore() {
    }

    /** Score of softmax rows {@code p} (n x K, each row summing to 1). */
    public static double of(double[][] p) {
        int n = p.length, k = p[0].length;
        double[] marginal = new double[k];
        for (double[] row : p) {
            for (int c = 0; c < k; c++) marginal[c] += row[c] / n;
        }
        double meanKl = 0;
        for (double[] row : p) {
            double kl = 0;
            for (int c = 0; c < k; c++) {
                // 0 log 0 = 0; a zero marginal implies a zero row entry
                if (row[c] > 0) kl += row[c] * (Math.log(row[c]) - Math.log(marginal[c]));
            }
            meanKl += kl / n;
        }
        return Math.exp(meanKl);
    }
}
