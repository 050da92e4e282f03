package dev.gan.step;

/**
 * What one training step measured.
 *
 * @param lossD D's loss: BCE on the real batch plus BCE on the fake batch (as pytorch/examples dcgan)
 * @param lossG G's non-saturating loss, BCE(D(G(z)), 1), after D's update
 * @param dReal D(x): D's mean probability "real" on the real batch
 * @param dFake D(G(z)): D's mean probability "real" on the fake batch, before D's update
 */
public record StepStats(double lossD, double lossG, double dReal, double dFake) {
}
