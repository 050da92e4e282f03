package dev.gan.step.fast;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link dev.gan.model.BceWithLogitsLoss} for D's [B, 1] logits, on the host (B numbers): the mean loss
 * softplus(z) - y z as D's score, the mean sigmoid(z) as D(x) or D(G(z)), and dLoss/dz = sigmoid(z) - y per example
 * - the minibatch-sum gradient DL4J's output layers pass back - into a kept array.
 */
final class LogitLoss {
    /** @param gradient dLoss/dLogits; valid until the next {@link #score} */
    record Scored(double loss, double meanProbability, INDArray gradient) {
    }

    private final Buffer gradient = new Buffer();

    Scored score(INDArray logits, double target) {
        float[] z = logits.toFloatVector();
        INDArray grad = gradient.of(z.length, 1);
        double loss = 0, probability = 0;
        for (int i = 0; i < z.length; i++) {
            double p = 1 / (1 + Math.exp(-z[i]));
            // max(z, 0) - y z + log(1 + exp(-|z|)): softplus(z) - y z without overflow
            loss += Math.max(z[i], 0) - target * z[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
            probability += p;
            grad.putScalar(i, p - target);
        }
        return new Scored(loss / z.length, probability / z.length, grad);
    }
}
