package dev.gan.eval;

/**
 * The numbers gan eval reports for one set of images against the real reference.
 *
 * @param fid                 Fréchet distance of the classifier features (lower is better, 0 = same Gaussian)
 * @param kid                 unbiased MMD^2 of the classifier features, cubic kernel (lower is better, ~0 = same)
 * @param inceptionScore      exp(E KL(p(y|x) || p(y))) of the classifier's softmax (higher is better, at most
 *                            the number of classes)
 * @param precision           share of the images inside the real images' k-NN manifold (k = 3)
 * @param recall              share of the real images inside these images' k-NN manifold (k = 3)
 * @param coverage            share of classes that receive at least 1% of the images
 * @param entropy             entropy of the predicted-class histogram in nats (at most ln of the number of classes)
 * @param conditionalAccuracy CGAN: share of images the classifier assigns to the requested class (NaN otherwise)
 * @param classCounts         images per predicted class
 */
public record Scores(double fid, double kid, double inceptionScore, double precision, double recall, double coverage,
                     double entropy, double conditionalAccuracy, int[] classCounts) {

    /** Names of the scalar scores, as in gan eval's JSON and the metrics.csv columns of evaluation during training. */
    public static final java.util.List<String> NAMES = java.util.List.of("fid", "kid", "inception_score", "precision",
            "recall", "coverage", "entropy_nats", "conditional_accuracy");

    /** The scalar scores by name; conditional accuracy only when measured. */
    public java.util.Map<String, Double> named() {
        double[] v = {fid, kid, inceptionScore, precision, recall, coverage, entropy, conditionalAccuracy};
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isNaN(v[i])) out.put(NAMES.get(i), v[i]);
        }
        return out;
    }
}
