package dev.gan.augment;

import dev.gan.data.BatchSampler;
import dev.gan.data.ImageSet;
import dev.gan.eval.ClassHistogram;
import dev.gan.eval.ClassifierTraining;
import dev.gan.eval.DomainClassifier;
import dev.gan.eval.Subsets;
import dev.gan.model.Labels;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * One classifier of the study: the architecture and optimiser of {@code gan classifier train} (the
 * {@link DomainClassifier}, Adam 1e-3, batches of {@value ClassifierTraining#BATCH}), trained for a fixed number of
 * steps whatever the size of its training set. Equal steps give every arm the same compute; equal epochs would give
 * 100 real images a few dozen updates and 11,000 images a hundred times more, so the comparison would measure the
 * budget rather than the data.
 */
final class ClassifierRun {
    private ClassifierRun() {
    }

    /** The test images as one batch, converted once for all classifiers. */
    record TestBatch(INDArray images, int[] labels) {
        static TestBatch of(ImageSet test) {
            return new TestBatch(Subsets.asBatch(test), test.labels());
        }
    }

    /** Accuracy on {@code test} of a classifier trained on {@code train}; seed = weights, batch order, augmentation. */
    static double accuracy(ImageSet train, boolean classic, int steps, long seed, TestBatch test) {
        int k = train.numClasses();
        DomainClassifier c = DomainClassifier.build(train.channels(), train.size(), k, seed);
        SeededInit.apply(c.network(), seed);
        BatchSampler sampler = new BatchSampler(train, Math.min(ClassifierTraining.BATCH, train.count()), seed);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5851F42D4C957F2DL);
        for (int s = 0; s < steps; s++) {
            BatchSampler.Batch b = sampler.batch(s);
            INDArray x = classic ? ClassicAugment.apply(b.images(), r) : b.images();
            c.network().fit(new INDArray[]{x}, new INDArray[]{Labels.oneHot(b.labels(), k)});
        }
        return ClassHistogram.accuracy(c.run(test.images()).predicted(), test.labels());
    }
}
