/**
 * Training and nothing else: a run set up from a config, resumed from a checkpoint or started from another run's
 * weights ({@code TrainSession}, {@code RunSetup}, {@code InitFrom}), the plain loop ({@code Trainer}) and its state
 * ({@code TrainingRun}), the engine choice, and the step benchmarks. Only cli imports it; it may import every package
 * below it (step, model, data, io, eval, generate).
 */
package dev.gan.train;
