/**
 * {@code gan sample}: grids, single images, interpolations, animated GIFs and dataset exports from a checkpoint, with
 * a manifest of what was made. It imports generate (noise and drawing), data, io, model and system.
 */
package dev.gan.sample;
