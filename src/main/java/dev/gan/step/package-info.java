/**
 * One GAN update, the step: both engines (DL4J passes, and {@code fast}), the losses as data ({@code GanLoss},
 * {@code Objective}), R1, differentiable augmentation, spectral norm, the EMA generator, D's frozen blocks
 * (training.freeze_d) and what a step computes ({@code StepFlops}). Only this package looks at which loss class a run
 * uses; it imports config and model.
 */
package dev.gan.step;
