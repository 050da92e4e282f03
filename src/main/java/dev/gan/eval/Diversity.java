package dev.gan.eval;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How different the images of a batch are from each other: the mean Euclidean distance over all pairs, in the
 * pixel units of the batch. A mode-collapsed generator makes near-identical images, so its value falls towards 0
 * while real images keep theirs; the ratio of the two is what the health watch looks at.
 */
public final class Diversity {
    private Diversity() {
    }

    /** Mean pairwise distance of the images in {@code batch} ([N, ...], N >= 2). */
    public static double meanPairwiseDistance(INDArray batch) {
        double[][] rows = batch.reshape(batch.size(0), -1).toDoubleMatrix();
        return meanPairwiseDistance(rows);
    }

    public static double meanPairwiseDistance(double[][] rows) {
        int n = rows.length;
        if (n < 2) throw new IllegalArgumentException("need at least 2 images, got " + n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) sum += Math.sqrt(PrecisionRecall.squaredDistance(rows[i], rows[j]));
        }
        return sum / ((double) n * (n - 1) / 2);
    }
}
