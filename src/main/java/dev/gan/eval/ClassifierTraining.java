package dev.gan.eval;

import dev.gan.UserException;
import dev.gan.config.DataConfig;
import dev.gan.data.Datasets;
import dev.gan.data.ImageSet;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code gan classifier train}: fits a {@link DomainClassifier} to a labelled dataset - or, with {@code --clusters},
 * to k-means pseudo-classes of it ({@link PseudoLabels}) - and saves it with its protocol. The test images are never trained on: either a separate training split is given (e.g. Fashion-MNIST's
 * 60,000 training images, tested on the 10,000 the GAN sees), or {@link #HOLDOUT} of the reference data is held
 * out by a seeded draw.
 */
public final class ClassifierTraining {
    /** Share of the reference data held out for testing when no separate training split is given. */
    public static final double HOLDOUT = 0.2;
    public static final int BATCH = 64;

    private ClassifierTraining() {
    }

    /**
     * @param reference   the data section of a training config: the images GANs are compared with
     * @param trainSplit  a separate labelled training split with the same classes, or null to hold out a share
     *                    of the reference data
     * @param clusters    0: learn the data's classes; K >= 2: learn K k-means clusters of each class (of all images
     *                    when the data has no classes), see {@link PseudoLabels}
     * @param ganVersion  recorded in the info file (ND4J must be initialised by the caller)
     */
    public static ClassifierInfo train(DataConfig reference, DataConfig trainSplit, int epochs, long seed, int clusters,
                                       Path out, String ganVersion, PrintStream log) {
        PseudoLabels.requireK(clusters);
        ImageSet ref = Datasets.load(reference);
        if (clusters == 0) requireLabels(ref, "data.labels");
        ImageSet train, test;
        double holdout;
        if (trainSplit != null) {
            train = Datasets.load(trainSplit);
            requireLabels(train, "--train-labels");
            if (train.numClasses() != ref.numClasses()) {
                throw new UserException(train.source() + ": has " + train.numClasses() + " classes but the reference "
                        + "data " + ref.source() + " has " + ref.numClasses() + "; the training split must have the same classes");
            }
            test = ref;
            holdout = 0;
        } else {
            int[] p = Subsets.permutation(ref.count(), seed);
            int nTest = (int) Math.round(ref.count() * HOLDOUT);
            test = Subsets.select(ref, Arrays.copyOfRange(p, 0, nTest), ref.source() + " (hold-out)");
            train = Subsets.select(ref, Arrays.copyOfRange(p, nTest, p.length), ref.source() + " (training part)");
            holdout = HOLDOUT;
        }
        log.printf(Locale.ROOT, "training the domain classifier on %,d images of %s, testing on %,d of %s%n",
                train.count(), train.source(), test.count(), test.source());
        // the clusters come from the training images alone; the test images only take the nearest of them
        PseudoLabels pseudo = clusters == 0 ? null : PseudoLabels.fit(train, clusters, seed);
        ImageSet fitOn = pseudo == null ? train : pseudo.label(train);
        ImageSet testOn = pseudo == null ? test : pseudo.label(test);
        if (pseudo != null) log.println(pseudo.description());
        DomainClassifier c = DomainClassifier.build(ref.channels(), ref.size(), fitOn.numClasses(), seed);
        c.train(fitOn, epochs, BATCH, seed, e -> log.printf(Locale.ROOT, "epoch %d/%d: test accuracy %s%n", e, epochs,
                Tested.of(c, testOn, test, clusters)));
        Tested tested = Tested.of(c, testOn, test, clusters);
        boolean byClass = clusters > 0 && test.labelled();
        ClassifierInfo info = new ClassifierInfo(ClassifierInfo.formatFor(clusters), ganVersion,
                Instant.now().toString(), seed, epochs, ref.channels(), ref.size(),
                pseudo == null ? ref.classNames() : pseudo.names(),
                DomainClassifier.FEATURES, reference, Subsets.fingerprint(ref), train.source(), train.count(), holdout,
                test.count(), tested.accuracy(), clusters, pseudo == null ? null : pseudo.classes(),
                byClass ? tested.onClasses() : null);
        ClassifierFile.save(out, c, info);
        log.printf(Locale.ROOT, "saved %s and %s: test accuracy %.4f on %s%s%n", out, ClassifierFile.infoFile(out),
                info.testAccuracy(), info.testDescription(), info.clustersDescription());
        return info;
    }

    /**
     * Test accuracy on what the classifier learns, and with pseudo-classes on the data's own classes too (a
     * prediction's class is its label / K): the second says whether the classes themselves are still told apart.
     */
    private record Tested(double accuracy, double onClasses, int classes) {
        static Tested of(DomainClassifier c, ImageSet learnt, ImageSet test, int clusters) {
            if (clusters == 0) return new Tested(c.accuracy(test), Double.NaN, 0);
            int[] predicted = c.run(Subsets.asBatch(learnt)).predicted();
            double a = ClassHistogram.accuracy(predicted, learnt.labels());
            return test.labelled()
                    ? new Tested(a, ClassHistogram.accuracy(PseudoLabels.toClasses(predicted, clusters), test.labels()),
                    test.numClasses())
                    : new Tested(a, Double.NaN, 0);
        }

        @Override
        public String toString() {
            return Double.isNaN(onClasses) ? String.format(Locale.ROOT, "%.4f", accuracy)
                    : String.format(Locale.ROOT, "%.4f (on the %d classes: %.4f)", accuracy, classes, onClasses);
        }
    }

    /** A classifier's files are refused, before any training, unless {@code overwrite}: evaluations name them. */
    public static void requireNew(Path out, boolean overwrite) {
        if (overwrite) return;
        for (Path f : new Path[]{out, ClassifierFile.infoFile(out)}) {
            if (java.nio.file.Files.exists(f)) {
                throw new UserException(f + ": already exists; give --overwrite to replace the classifier, or -o/--out "
                        + "another FILE.zip");
            }
        }
    }

    /** The test images of a classifier, rebuilt from its info (CAS scores other classifiers on them). */
    public static ImageSet testSet(ClassifierInfo info) {
        ImageSet ref = Datasets.load(info.referenceData());
        if (info.testHoldout() <= 0) return ref;
        int[] p = Subsets.permutation(ref.count(), info.seed());
        return Subsets.select(ref, Arrays.copyOfRange(p, 0, (int) Math.round(ref.count() * info.testHoldout())),
                ref.source() + " (hold-out)");
    }

    static void requireLabels(ImageSet set, String key) {
        if (!set.labelled()) {
            throw new UserException(set.source() + ": has no labels. The domain classifier learns the data's classes, "
                    + "and FID, KID, IS and precision/recall are computed on its features: give --clusters K (e.g. 10) "
                    + "to learn K k-means clusters of the images instead, or set " + key + " (idx) or sort the images "
                    + "into one sub-folder per class (folder)");
        }
    }
}
