/**
 * What a training run does besides stepping, each a {@code TrainingListener} around the plain loop: the health watch,
 * console and metrics, evaluation, sample grids, checkpoints and the HTML report, wired in their order by
 * {@code Listeners}. It imports train (the listener interface and the run) and the packages it writes with.
 */
package dev.gan.train.listeners;
