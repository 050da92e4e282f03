package dev.gan.eval;

import dev.gan.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Classification Accuracy Score (Ravuri and Vinyals 2019) for a conditional generator: a classifier of the domain
 * classifier's architecture is trained only on generated images, labelled with the class they were generated for,
 * and tested on the real test images. Compared with the real-data classifier's accuracy on the same images it shows
 * whether the samples carry what makes each class that class, which FID does not see.
 */
public final class Cas {
    private Cas() {
    }

    /** Accuracy on {@code realTest} of a classifier trained on {@code generated} with labels {@code requested}. */
    public static double accuracy(INDArray generated, int[] requested, ClassifierInfo arch, ImageSet realTest) {
        // the data's classes, not a classifier's pseudo-classes: the samples are labelled with the class they were made for
        List<String> classes = arch.realClasses();
        ImageSet train = ImageSets.fromBatch(generated, requested, classes, "generated images");
        DomainClassifier c = DomainClassifier.build(arch.channels(), arch.size(), classes.size(), arch.seed());
        c.train(train, arch.epochs(), ClassifierTraining.BATCH, arch.seed(), null);
        return c.accuracy(realTest);
    }
}
