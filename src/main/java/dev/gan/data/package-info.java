/**
 * Images in, as training sees them: IDX files, folders and zips, the packed format and the data cache that maps
 * them, batching and normalisation to [-1, 1], k-means (the labels of a self-conditioned GAN; the domain classifier's
 * pseudo-classes use it too), data.mirror's flips, the held-out split of {@code gan data split}, and the data
 * pipeline's own benchmark. It may import config and system (the jar version written into packed files), never io,
 * model, train or cli.
 */
package dev.gan.data;
