/**
 * The machine gan runs on: the ND4J backend set-up, gan version, GPU and driver checks and the facts {@code gan info}
 * prints. It imports only the root package, so every other package may use it.
 */
package dev.gan.system;
