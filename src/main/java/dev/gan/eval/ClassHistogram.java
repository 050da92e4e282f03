package dev.gan.eval;

/**
 * How generated samples spread over the classes the domain classifier assigns them: coverage (the share of classes
 * that receive at least {@link #COVERED} of the samples; a mode-collapsed generator leaves classes empty) and the
 * entropy of the histogram (ln K when the classes are used equally, 0 when one class takes everything).
 */
public final class ClassHistogram {
    /** A class counts as covered when at least this share of the samples falls in it. */
    public static final double COVERED = 0.01;

    private final int[] counts;
    private final int total;

    public ClassHistogram(int[] predicted, int numClasses) {
        counts = new int[numClasses];
        for (int c : predicted) counts[c]++;
        total = predicted.length;
    }

    public int[] counts() {
        return counts.clone();
    }

    /** Share of classes with at least 1% of the samples, in [0, 1]. */
    public double coverage() {
        int covered = 0;
        for (int c : counts) {
            if (c >= COVERED * total) covered++;
        }
        return covered / (double) counts.length;
    }

    /** Entropy of the class shares in nats; at most ln(numClasses). */
    public double entropy() {
        double h = 0;
        for (int c : counts) {
            if (c == 0) continue;
            double p = c / (double) total;
            h -= p * Math.log(p);
        }
        return h;
    }

    /** Index of the largest entry of each row. */
    public static int[] argmax(double[][] probabilities) {
        int[] out = new int[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            double[] row = probabilities[i];
            int best = 0;
            for (int c = 1; c < row.length; c++) {
                if (row[c] > row[best]) best = c;
            }
            out[i] = best;
        }
        return out;
    }

    /** Share of positions where {@code predicted} equals {@code wanted}. */
    public static double accuracy(int[] predicted, int[] wanted) {
        int hit = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == wanted[i]) hit++;
        }
        return hit / (double) predicted.length;
    }
}
