/**
 * Running a trained generator: noise and labels as pure functions of (seed, stream), images drawn in inference mode,
 * the fixed evaluation samples and the generator a checkpoint samples with (EMA or trained, spectral norm baked in).
 * Training, sampling, evaluation and augmentation all use it; it imports data, io, model and step.
 */
package dev.gan.generate;
