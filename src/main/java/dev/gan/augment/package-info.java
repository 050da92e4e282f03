/**
 * {@code gan augment}: does adding a conditional generator's labelled images to a small real training set make a
 * classifier better? Real and synthetic draws, classic augmentation, the classifiers trained on each mix, and the
 * table and plot of their accuracies. It imports config, data, eval, generate, io and model.
 */
package dev.gan.augment;
