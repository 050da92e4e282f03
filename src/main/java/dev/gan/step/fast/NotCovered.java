package dev.gan.step.fast;

/**
 * A graph has a vertex the fast engine does not implement; the message names it, e.g. "the discriminator's layer
 * d_mbstd (MinibatchStdDev)". Checked so that every caller decides what to do instead.
 */
public final class NotCovered extends Exception {
    NotCovered(String role, String vertex, String what) {
        super("the " + role + "'s layer " + vertex + " (" + what + ")");
    }
}
