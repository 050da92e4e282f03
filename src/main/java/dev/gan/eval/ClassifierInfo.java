package dev.gan.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gan.config.DataConfig;

import java.util.List;

/**
 * The JSON written beside a domain classifier ({@code name.zip} -> {@code name.json}): what it was trained and
 * tested on, and how well it does, so that every evaluation can record its protocol.
 *
 * @param formatVersion   layout version of this file
 * @param ganVersion      version of gan that trained the classifier
 * @param createdAt       ISO-8601 time of training
 * @param seed            seeds weight init, batch order and the hold-out split
 * @param epochs          passes over the training images
 * @param channels        image channels the classifier takes
 * @param size            image side the classifier takes
 * @param classNames      class index -> name: the data's classes, or with {@code clusters} its pseudo-classes
 *                        ("apps/0", or "0" for data without classes)
 * @param featureLayer    layer whose activations are the features of FID, KID and precision/recall
 * @param referenceData   the config's data section: the real images GANs on this data are compared with
 * @param referenceSha256 fingerprint (pixels and labels) of the reference data
 * @param trainSource     what the classifier was trained on
 * @param trainCount      number of training images
 * @param testHoldout     share of the reference data held out for testing, or 0 when the test set is all of it
 *                        (the classifier was then trained on a separate split)
 * @param testCount       number of test images
 * @param testAccuracy    accuracy on the test images (of the pseudo-classes, with {@code clusters})
 * @param clusters        k-means clusters per class the classifier learns ({@code --clusters}; label = class *
 *                        clusters + cluster), or 0 when it learns the data's classes (files without the key)
 * @param realClassNames  with {@code clusters}: the data's own classes (label / clusters -> name), empty when the
 *                        data had none; absent otherwise
 * @param realClassAccuracy with {@code clusters} on labelled data: test accuracy with each prediction mapped back to
 *                        its class; absent otherwise
 */
public record ClassifierInfo(int formatVersion, String ganVersion, String createdAt, long seed, int epochs,
                             int channels, int size, List<String> classNames, String featureLayer,
                             DataConfig referenceData, String referenceSha256, String trainSource, int trainCount,
                             double testHoldout, int testCount, double testAccuracy, int clusters,
                             @JsonInclude(JsonInclude.Include.NON_NULL) List<String> realClassNames,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Double realClassAccuracy) {
    /**
     * The newest layout this gan reads. Version 2 adds pseudo-classes; a classifier without them is still written as
     * version 1, so older gans keep reading it, while one with them is refused by an older gan instead of having its
     * pseudo-classes taken for classes.
     */
    public static final int FORMAT_VERSION = 2;

    /** The layout version a classifier with {@code clusters} is written in. */
    public static int formatFor(int clusters) {
        return clusters > 0 ? 2 : 1;
    }

    /** The data's own classes: what a CGAN is conditioned on and CAS trains on; empty when the data had none. */
    public List<String> realClasses() {
        return clusters == 0 ? classNames : realClassNames == null ? List.of() : realClassNames;
    }

    /** Whether the classifier can say which of the data's classes an image is (not when trained on clusters only). */
    public boolean knowsRealClasses() {
        return !realClasses().isEmpty();
    }

    /** Predicted labels mapped to the data's classes (label / clusters); the labels themselves without clusters. */
    public int[] realClassesOf(int[] predicted) {
        return clusters == 0 ? predicted : PseudoLabels.toClasses(predicted, clusters);
    }

    /** Test accuracy on the data's classes: {@code testAccuracy} without clusters, NaN when there are no classes. */
    public double accuracyOnRealClasses() {
        return clusters == 0 ? testAccuracy : realClassAccuracy == null ? Double.NaN : realClassAccuracy;
    }

    /** "", or "; 30 pseudo-classes: 10 k-means clusters in each of 3 classes, accuracy on the classes 0.9900". */
    public String clustersDescription() {
        if (clusters == 0) return "";
        return knowsRealClasses()
                ? String.format(java.util.Locale.ROOT, "; %d pseudo-classes: %d k-means clusters in each of %d classes, "
                + "accuracy on the classes %.4f", classNames.size(), clusters, realClasses().size(), accuracyOnRealClasses())
                : String.format(java.util.Locale.ROOT, "; %d pseudo-classes: k-means clusters of unlabelled images",
                classNames.size());
    }

    /** "a 20% hold-out of FILE (2,000 images)" or "all of FILE (10,000 images)". */
    public String testDescription() {
        // a folder or packed config still carries the default IDX paths in data.images: name what the format reads
        String where = "idx".equals(referenceData.format()) ? referenceData.images() : referenceData.path();
        return testHoldout > 0
                ? String.format(java.util.Locale.ROOT, "a %.0f%% hold-out of %s (%,d images)", 100 * testHoldout, where, testCount)
                : String.format(java.util.Locale.ROOT, "all of %s (%,d images)", where, testCount);
    }
}
