package dev.gan.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One evaluation: the scores and the protocol they were measured under, printed for people and written as JSON.
 * Scores are comparable only between reports whose classifier hash, reference and sample count agree.
 *
 * @param protocol how the numbers were measured
 * @param scores   the numbers
 * @param cas      CGAN: accuracy on the real test images of a classifier trained on the generated images (NaN when
 *                 not measured)
 */
public record EvalReport(Protocol protocol, Scores scores, double cas) {

    /**
     * @param generated         what was scored: a checkpoint (with its step) or an image file
     * @param samples           number of images scored
     * @param seed              seed of the generator noise and labels, and of the reference draw
     * @param reference         the real images compared with
     * @param referenceCount    number of real images drawn from it
     * @param referenceMatches  the reference data is the data the classifier's protocol names (same fingerprint)
     * @param referenceGiven    the reference was given with {@code --reference} (held-out images), rather than the
     *                          training data or the classifier's
     * @param classifier        classifier file
     * @param classifierSha256  SHA-256 of the classifier file
     * @param classifierAccuracy the classifier's test accuracy (on its pseudo-classes, with clusters)
     * @param classifierTest    what it was tested on
     * @param classifierClusters k-means clusters per class the classifier learnt ({@code --clusters}), or 0
     * @param classifierClassAccuracy with clusters on labelled data: its test accuracy on the data's classes
     */
    public record Protocol(String generated, int samples, long seed, String reference, int referenceCount,
                           boolean referenceMatches, boolean referenceGiven, String classifier,
                           String classifierSha256,
                           double classifierAccuracy, String classifierTest, int classifierClusters,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Double classifierClassAccuracy) {

        /** What CAS is compared with: the real-data classifier's accuracy on the classes the samples were made for. */
        double classAccuracy() {
            return classifierClassAccuracy != null ? classifierClassAccuracy : classifierAccuracy;
        }

        /** "", or how the classifier's pseudo-classes were made, for the protocol line. */
        String clusters() {
            if (classifierClusters == 0) return "";
            return classifierClassAccuracy == null
                    ? String.format(Locale.ROOT, "; %d k-means clusters of unlabelled images", classifierClusters)
                    : String.format(Locale.ROOT, "; %d k-means clusters per class, accuracy on the classes %.4f",
                    classifierClusters, classifierClassAccuracy);
        }
    }

    public ObjectNode toJson() {
        ObjectNode root = ClassifierFile.JSON.createObjectNode();
        ObjectNode s = root.putObject("scores");
        scores.named().forEach(s::put);
        if (!Double.isNaN(cas)) {
            s.put("cas", cas);
            s.put("cas_real_data_accuracy", protocol.classAccuracy());
        }
        var counts = s.putArray("class_counts");
        for (int c : scores.classCounts()) counts.add(c);
        root.set("protocol", ClassifierFile.JSON.valueToTree(protocol));
        root.with("protocol").put("knn_k", PrecisionRecall.K).put("coverage_threshold", ClassHistogram.COVERED)
                .put("kid_kernel", "(x.y/d + 1)^3, unbiased over all pairs");
        return root;
    }

    public String toJsonText() {
        try {
            return ClassifierFile.JSON.writeValueAsString(toJson()) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines gan eval prints. */
    public List<String> lines() {
        int k = scores.classCounts().length;
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%s: %,d samples, seed %d", protocol.generated(), protocol.samples(),
                protocol.seed()));
        out.add(String.format(Locale.ROOT, "  FID        %10.3f   (lower is better; classifier features, not Inception)",
                scores.fid()));
        out.add(String.format(Locale.ROOT, "  KID        %10.4f   (lower is better; ~0 = indistinguishable)", scores.kid()));
        out.add(String.format(Locale.ROOT, "  IS         %10.3f   (higher is better; at most %d)", scores.inceptionScore(), k));
        out.add(String.format(Locale.ROOT, "  precision  %10.3f   recall %.3f   (k-NN, k = %d)", scores.precision(),
                scores.recall(), PrecisionRecall.K));
        out.add(String.format(Locale.ROOT, "  coverage   %10.3f   entropy %.3f of %.3f nats", scores.coverage(),
                scores.entropy(), Math.log(k)));
        if (!Double.isNaN(scores.conditionalAccuracy())) {
            out.add(String.format(Locale.ROOT, "  cond. acc. %10.3f   (samples classified as the class asked for)",
                    scores.conditionalAccuracy()));
        }
        if (!Double.isNaN(cas)) {
            out.add(String.format(Locale.ROOT, "  CAS        %10.3f   (trained on samples; the real-data classifier: %.3f)",
                    cas, protocol.classAccuracy()));
        }
        out.add(String.format(Locale.ROOT, "protocol: reference %,d images of %s%s; classifier %s (sha256 %s, test "
                        + "accuracy %.4f on %s%s)", protocol.referenceCount(), protocol.reference(),
                protocol.referenceGiven() ? " (--reference)"
                        : protocol.referenceMatches() ? "" : " (NOT the classifier's reference data)",
                protocol.classifier(),
                protocol.classifierSha256().substring(0, 12), protocol.classifierAccuracy(), protocol.classifierTest(),
                protocol.clusters()));
        return out;
    }
}
