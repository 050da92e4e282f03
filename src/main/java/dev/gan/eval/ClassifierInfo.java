package dev.gan.eval;

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
 * @param classNames      class index -> name
 * @param featureLayer    layer whose activations are the features of FID, KID and precision/recall
 * @param referenceData   the config's data section: the real images GANs on this data are compared with
 * @param referenceSha256 fingerprint (pixels and labels) of the reference data
 * @param trainSource     what the classifier was trained on
 * @param trainCount      number of training images
 * @param testHoldout     share of the reference data held out for testing, or 0 when the test set is all of it
 *                        (the classifier was then trained on a separate split)
 * @param testCount       number of test images
 * @param testAccuracy    accuracy on the test images
 */
public record ClassifierInfo(int formatVersion, String ganVersion, String createdAt, long seed, int epochs,
                             int channels, int size, List<String> classNames, String featureLayer,
                             DataConfig referenceData, String referenceSha256, String trainSource, int trainCount,
                             double testHoldout, int testCount, double testAccuracy) {
    public static final int FORMAT_VERSION = 1;

    /** "a 20% hold-out of FILE (2,000 images)" or "all of FILE (10,000 images)". */
    public String testDescription() {
        // a folder or packed config still carries the default IDX paths in data.images: name what the format reads
        String where = "idx".equals(referenceData.format()) ? referenceData.images() : referenceData.path();
        return testHoldout > 0
                ? String.format(java.util.Locale.ROOT, "a %.0f%% hold-out of %s (%,d images)", 100 * testHoldout, where, testCount)
                : String.format(java.util.Locale.ROOT, "all of %s (%,d images)", where, testCount);
    }
}
