package dev.gan.step;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * One GAN update as the training loop ({@code dev.gan.train.Trainer}) drives it: a discriminator step on a real batch and fresh fakes, then generator
 * steps on those fakes. Two engines implement it with the same maths (chosen by training.engine): {@link Dl4jStep} through the
 * graphs' DL4J layers, and {@link dev.gan.step.fast.FastStep} with libnd4j ops on the graphs' own arrays.
 */
public interface TrainingStep {

    /**
     * One discriminator update on a real batch and the fakes G makes from {@code z}; returns the fakes' inputs for
     * the generator step that follows. {@code rng} draws the training.augment augmentations (unused without).
     */
    Fakes discriminatorStep(INDArray real, int[] realLabels, INDArray z, int[] fakeLabels, SplittableRandom rng,
                            StepTimes times);

    /**
     * The generator update for the fakes of the last discriminator step (or of {@link #regenerate}); with
     * training.augment, D sees them augmented and dLoss/dFake is mapped back through the augmentation.
     */
    StepStats generatorStep(Fakes f, SplittableRandom rng, StepTimes times);

    /** The same noise and labels through the generator as it is now (for a further generator update). */
    Fakes regenerate(Fakes f);

    /** The engine's name as training.engine spells it: {@code dl4j} or {@code fast}. */
    String engine();

    /**
     * A fake batch and what the discriminator step measured on it. {@code images} may be a buffer the engine reuses:
     * it is valid until the engine's next generator forward pass.
     */
    record Fakes(INDArray z, int[] labels, INDArray images, double lossD, double dReal, double dFake) {
    }
}
