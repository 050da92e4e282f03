/**
 * Scoring generators and image sets: the domain classifier, its file and its k-means pseudo-classes, FID, KID,
 * Inception score, precision and recall, coverage, CAS, and {@code GanEval}, the work of {@code gan eval}. It imports
 * config, data, generate, io and model.
 */
package dev.gan.eval;
