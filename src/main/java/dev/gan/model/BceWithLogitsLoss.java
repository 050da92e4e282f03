package dev.gan.model;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

/**
 * Binary cross-entropy on D's logit (identity activation): loss = softplus(z) - y z, gradient sigmoid(z) - y.
 * DL4J's LossBinaryXENT on a sigmoid clips probabilities at 1e-5, so once D is confident the generator's gradient
 * vanishes; on logits it never does (shared/DL4J-NOTES.md section 4).
 *
 * <p>It also remembers the mean of sigmoid(z) of the last batch it scored: that is D(x) or D(G(z)) for the
 * console, read without a second forward pass. Serialized by class name in discriminator checkpoints.
 */
public class BceWithLogitsLoss extends PerExampleLoss {
    @JsonIgnore
    private transient double lastMeanProbability = Double.NaN;
    @JsonIgnore
    private transient double lastMeanSign = Double.NaN;

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        INDArray z = fn.getActivation(preOutput.dup(), true);
        lastMeanProbability = Transforms.sigmoid(z, true).meanNumber().doubleValue();
        lastMeanSign = Transforms.sign(z, true).meanNumber().doubleValue();
        // softplus(z) - y*z, written as max(z,0) - y*z + log(1 + exp(-|z|)) so it never overflows
        INDArray loss = Transforms.relu(z, true).subi(labels.mul(z))
                .addi(Transforms.log(Transforms.exp(Transforms.abs(z, true).negi(), false).addi(1.0), false));
        if (mask != null) loss.muli(mask);
        return loss.sum(1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        INDArray z = fn.getActivation(preOutput.dup(), true);
        INDArray dLdz = Transforms.sigmoid(z, true).subi(labels);
        if (mask != null) dLdz.muli(mask);
        return fn.backprop(preOutput.dup(), dLdz).getFirst();
    }

    /** Mean sigmoid(logit) of the batch last scored: D's average "real" probability. */
    @JsonIgnore
    public double lastMeanProbability() {
        return lastMeanProbability;
    }

    /** Mean sign(logit) of the batch last scored (adaptive augmentation's r_t on real images). */
    @JsonIgnore
    public double lastMeanSign() {
        return lastMeanSign;
    }

    @Override
    public String name() {
        return "BceWithLogitsLoss";
    }
}
