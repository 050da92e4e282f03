/**
 * Scoring generators and image sets: the domain classifier and its file, FID, KID, Inception score, precision and
 * recall, coverage, CAS, and {@code GanEval}, the work of {@code gan eval}. It imports config, data, generate, io and
 * model.
 */
package dev.gan.eval;
