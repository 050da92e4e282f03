package dev.gan.cli;

import dev.gan.augment.AugmentRequest;
import dev.gan.augment.Augmentation;
import dev.gan.system.Backend;
import dev.gan.sample.SeedList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gan augment}: does adding a conditional GAN's images to a small real training set help a classifier? */
@Command(name = "augment", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure whether a CGAN's images improve a classifier trained on few real images.",
                "Trains gan classifier train's network on N real images per class alone, with flips/shifts, with M "
                        + "synthetic images per class added, and on M synthetic alone; tests each on held-out real "
                        + "images neither the GAN nor any classifier saw. Prints a table (mean ± sd over repeats) and "
                        + "writes it with its protocol as JSON and a plot. See docs/evaluation.md."})
final class AugmentCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    /** A CGAN (or clustered DCGAN) checkpoint, or its run directory. */
    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--real", required = true, split = ",", paramLabel = "N",
            description = "Real training images per class; several (10,50,100) for one study each.")
    List<Integer> real;

    @Option(names = "--synthetic", required = true, split = ",", paramLabel = "M",
            description = "Synthetic images per class added to the real ones, e.g. 0,100,500,1000.")
    List<Integer> synthetic;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "3",
            description = "Repeats with seeds seed..seed+R-1 (new real draw, synthetic images and weights): the "
                    + "mean and spread (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--train-images", paramLabel = "IDX", description = "Labelled images the GAN did not train on "
            + "(e.g. Fashion-MNIST's training split): the real images are drawn from one part, the rest is tested on.")
    Path trainImages;

    @Option(names = "--train-labels", paramLabel = "IDX", description = "Labels of --train-images.")
    Path trainLabels;

    @Option(names = "--test-count", paramLabel = "N", defaultValue = "10000",
            description = "Images of --train-images held out for testing (default: ${DEFAULT-VALUE}).")
    int testCount;

    @Option(names = "--test-images", paramLabel = "IDX",
            description = "Test on these labelled images instead (real images then come from --train-images or the "
                    + "GAN's data).")
    Path testImages;

    @Option(names = "--test-labels", paramLabel = "IDX", description = "Labels of --test-images.")
    Path testLabels;

    @Option(names = "--steps", paramLabel = "S", defaultValue = "500",
            description = "Optimiser steps (batch 64) of every classifier, whatever its training set's size "
                    + "(default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", paramLabel = "N", defaultValue = SeedList.DEFAULT_TEXT,
            description = "First seed of the repeats (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--split-seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the test hold-out of --train-images, the same for every repeat (default: "
                    + "${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--classifier", paramLabel = "FILE.zip", description = "Clustered DCGAN: the classifier that "
            + "labels its images (default: the run's training.eval_classifier, or classifiers/fashion-mnist.zip "
            + "when it was made for the run's data).")
    Path classifier;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
            description = "Output folder (default: augment/ in the run directory).")
    Path out;

    @Option(names = "--no-cas", description = "Skip the synthetic-only rows (CAS); they do not depend on --real.")
    boolean noCas;

    @Mixin
    Overwrite overwrite;

    @Override
    public Integer call() {
        AugmentRequest request = new AugmentRequest(checkpoint.path, real, synthetic, repeats, seed, splitSeed, steps, testCount,
                trainImages, trainLabels, testImages, testLabels, classifier, out, overwrite.overwrite, noCas);
        request.check();
        Backend.init();
        Augmentation.run(request, root.out);
        return Gan.OK;
    }
}
