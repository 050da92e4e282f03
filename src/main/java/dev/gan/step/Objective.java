package dev.gan.step;

import dev.gan.config.TrainingConfig;

/**
 * What a training step optimises, as both engines take it: the adversarial loss (training.loss), the real target
 * (1 - training.label_smoothing; used by the losses that have one) and the R1 phase (training.r1_gamma, or null).
 *
 * @param loss       D's and G's losses and what D(x) / D(G(z)) mean
 * @param realTarget the real images' target for ns and lsgan
 * @param r1         the R1 penalty phase of the D step, or null for none
 */
public record Objective(GanLoss loss, double realTarget, R1Penalty r1) {

    /** The objective a training config asks for. */
    public static Objective of(TrainingConfig t) {
        return new Objective(GanLoss.of(t.loss()), 1.0 - t.labelSmoothing(), R1Penalty.of(t));
    }

    /** The default objective: ns with the given label smoothing, no R1. */
    public static Objective ns(double labelSmoothing) {
        return new Objective(new NonSaturatingLoss(), 1.0 - labelSmoothing, null);
    }

    /** D's loss on a real image. */
    public LogitFunction real() {
        return loss.real(realTarget);
    }
}
