package dev.gan.step;

/**
 * What one training step measured.
 *
 * @param lossD D's loss (training.loss) on the real batch plus on the fake batch; for ns BCE plus BCE (as
 *              pytorch/examples dcgan); without the R1 penalty
 * @param lossG G's loss after D's update; for ns the non-saturating BCE(D(G(z)), 1)
 * @param dReal D(x) on the real batch: D's mean probability "real" for ns, its mean raw score for the other losses
 * @param dFake D(G(z)) on the fake batch, before D's update, as dReal
 */
public record StepStats(double lossD, double lossG, double dReal, double dFake) {
}
