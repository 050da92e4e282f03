/**
 * The fast engine: a DL4J graph compiled into a chain of stages that run the forward and backward passes with fewer
 * copies, for the layers it covers ({@code NotCovered} names the first one it does not). It imports model and step.
 */
package dev.gan.step.fast;
