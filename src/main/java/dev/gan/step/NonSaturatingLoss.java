package dev.gan.step;

/**
 * ns, the default: binary cross-entropy on D's logit, with G's non-saturating loss BCE(d(G(z)), 1) (Goodfellow et
 * al. 2014; pytorch/examples dcgan; StyleGAN2-ADA's softplus form). D(x) is D's mean probability "real",
 * sigmoid(d). The same numbers as {@link dev.gan.model.BceWithLogitsLoss}, the loss inside D's graph: the dl4j
 * engine lets the graph compute this loss itself (see {@link Bce}), so ns trains exactly as before losses were
 * configurable.
 */
public final class NonSaturatingLoss extends LossFormulas {
    private static final Bce FAKE = new Bce(0), GENERATOR = new Bce(1);

    /**
     * BCE on a logit against a target y: softplus(d) - y d, written max(d, 0) - y d + log(1 + e^-|d|) so that it
     * never overflows; derivative sigmoid(d) - y.
     *
     * @param target the label: 1 - label_smoothing for reals, 0 for fakes in D's loss, 1 in G's
     */
    public record Bce(double target) implements LogitFunction {
        @Override
        public double value(double d) {
            return Math.max(d, 0) - target * d + Math.log1p(Math.exp(-Math.abs(d)));
        }

        @Override
        public double derivative(double d) {
            return 1 / (1 + Math.exp(-d)) - target;
        }
    }

    public NonSaturatingLoss() {
        super("ns", "mean probability \"real\"", Bce::new, FAKE, GENERATOR);
    }

    @Override
    public double shown(double d) {
        return 1 / (1 + Math.exp(-d));
    }

    @Override
    public boolean saturates() {
        return true;
    }
}
