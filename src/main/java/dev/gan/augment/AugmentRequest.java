package dev.gan.augment;

import dev.gan.UserException;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * What {@code gan augment} was asked for, checked before anything is loaded so that a bad flag costs nothing.
 *
 * @param checkpoint   a CGAN (or clustered DCGAN) checkpoint file, or a run directory (its latest checkpoint)
 * @param real         real training images per class, one experiment per value (e.g. 10, 50, 100)
 * @param synthetic    synthetic images per class added to the real ones, one arm per value (0 = real only)
 * @param repeats      repeats with seeds {@code seed .. seed+repeats-1}: the mean and spread of every row
 * @param seed         first seed of the repeats (real draws, synthetic images, classifier weights and batches)
 * @param splitSeed    seed of the split of {@code --train-images} into pool and test part: the same for every
 *                     repeat, so repeats differ in what they train on, never in what they are tested on
 * @param steps        optimiser steps of every classifier, whatever the size of its training set
 * @param testCount    images of {@code --train-images} held out as the test set (when no {@code --test-images})
 * @param trainImages  IDX images the real training images are drawn from, or null for the GAN's own data
 * @param trainLabels  labels of {@code trainImages}
 * @param testImages   IDX images to test on instead of a part of {@code trainImages}, or null
 * @param testLabels   labels of {@code testImages}
 * @param classifier   the classifier that labels a clustered DCGAN's images, or null for the default
 * @param out          output folder, or null for {@code <run>/augment}
 * @param overwrite    replace this command's files from an earlier run in {@code out}
 * @param noCas        skip the synthetic-only rows (they do not depend on N: a study split by N needs them once)
 */
public record AugmentRequest(Path checkpoint, List<Integer> real, List<Integer> synthetic, int repeats, long seed,
                             long splitSeed, int steps, int testCount, Path trainImages, Path trainLabels, Path testImages,
                             Path testLabels, Path classifier, Path out, boolean overwrite, boolean noCas) {

    /** Refuses impossible numbers and half-given pairs of files, naming the flag. */
    public void check() {
        for (int n : real) {
            if (n < 1) throw new UserException("--real " + n + ": real images per class must be >= 1");
        }
        for (int m : synthetic) {
            if (m < 0) throw new UserException("--synthetic " + m + ": synthetic images per class must be >= 0");
        }
        if (repeats < 1) throw new UserException("--repeats " + repeats + ": must be >= 1 (3 or more give a spread)");
        if (steps < 1) throw new UserException("--steps " + steps + ": must be >= 1");
        if (testCount < 1) throw new UserException("--test-count " + testCount + ": must be >= 1");
        if ((trainImages == null) != (trainLabels == null)) {
            throw new UserException("--train-images and --train-labels go together (the real images need their labels)");
        }
        if ((testImages == null) != (testLabels == null)) {
            throw new UserException("--test-images and --test-labels go together (accuracy needs the labels)");
        }
    }

    /** The distinct real sizes, ascending. */
    public List<Integer> realSizes() {
        return List.copyOf(new TreeSet<>(real));
    }

    /** The distinct synthetic sizes above 0, ascending (0, real only, is always measured). */
    public List<Integer> syntheticSizes() {
        return new TreeSet<>(synthetic).stream().filter(m -> m > 0).toList();
    }
}
