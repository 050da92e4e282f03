/**
 * The machine gan runs on: the ND4J backend set-up, gan version, GPU and driver checks and the facts {@code gan info}
 * prints, the matrix-multiply peak {@code gan bench} sets a step against ({@code MatmulPeak}), resident memory and
 * the native garbage it waits on, and temporary files named after their writer (pid and host) so that a later writer
 * can tell a dead one's leftovers. It imports only the root package, so every other package may use it.
 */
package dev.gan.system;
