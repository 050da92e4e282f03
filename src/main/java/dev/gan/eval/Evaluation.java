package dev.gan.eval;

import dev.gan.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores a set of images against real reference images through one domain classifier: FID and KID on its
 * penultimate features, the Inception-style score on its softmax, k-NN precision/recall on its features, class
 * coverage and entropy on its predicted classes. The reference side is computed once and reused, so scoring during
 * training costs one pass of the classifier over the samples plus the pairwise terms.
 */
public final class Evaluation {
    private final DomainClassifier classifier;
    private final ClassifierInfo info;
    private final ImageSet referenceImages;
    private final DomainClassifier.Outputs reference;
    private final Gaussian referenceGaussian;

    public Evaluation(ClassifierFile.Loaded classifier, ImageSet referenceImages) {
        if (referenceImages.count() <= PrecisionRecall.K) {
            throw new IllegalArgumentException("need more than " + PrecisionRecall.K + " reference images");
        }
        this.classifier = classifier.classifier();
        this.info = classifier.info();
        this.referenceImages = referenceImages;
        this.reference = this.classifier.run(Subsets.asBatch(referenceImages));
        this.referenceGaussian = Gaussian.of(reference.features());
    }

    public ImageSet referenceImages() {
        return referenceImages;
    }

    /**
     * @param images    images in [-1, 1], [N, C, H, W], N > 3
     * @param requested CGAN: the class each image was generated for, or null; conditional accuracy compares it with
     *                  the predicted class of the data (a pseudo-class's class), and is NaN for a classifier that
     *                  knows no classes
     */
    public Scores score(INDArray images, int[] requested) {
        DomainClassifier.Outputs out = classifier.run(images);
        double fid = Fid.distance(referenceGaussian, Gaussian.of(out.features()));
        double kid = Kid.mmd2(reference.features(), out.features());
        PrecisionRecall.Result pr = PrecisionRecall.of(reference.features(), out.features(), PrecisionRecall.K);
        int[] predicted = out.predicted();
        ClassHistogram hist = new ClassHistogram(predicted, classifier.numClasses());
        // coverage and entropy stay on the pseudo-classes when there are any: finer modes, the same meaning
        double conditional = requested == null || !info.knowsRealClasses() ? Double.NaN
                : ClassHistogram.accuracy(info.realClassesOf(predicted), requested);
        return new Scores(fid, kid, InceptionScore.of(out.probabilities()), pr.precision(), pr.recall(),
                hist.coverage(), hist.entropy(), conditional, hist.counts());
    }
}
