/**
 * Batches of runs: a sweep plan read and expanded into runs, each a {@code gan train} process here or a Slurm array
 * task, their statuses, and the summary tables; {@code Sweeps} is the work of {@code gan sweep}. It imports config,
 * io, report and system, and starts training only as a child process.
 */
package dev.gan.experiment;
