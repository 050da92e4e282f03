/**
 * Training and nothing else: a run set up from a config or resumed from a checkpoint ({@code TrainSession},
 * {@code RunSetup}), the plain loop ({@code Trainer}) and its state ({@code TrainingRun}), the engine choice, and the
 * step benchmarks. Only cli imports it; it may import every package below it (step, model, data, io, eval, generate).
 */
package dev.gan.train;
