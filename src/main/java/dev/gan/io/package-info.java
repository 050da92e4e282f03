/**
 * What a run leaves on disk: the run directory, checkpoints (with their format version and old-format loading),
 * metrics.csv and its columns, the log, PNG grids and the loss plot, and atomic and append-only file writes. It
 * imports model (a checkpoint holds the networks), nothing above it.
 */
package dev.gan.io;
