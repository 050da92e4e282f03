package dev.gan.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The generator's "loss": its labels are dLoss/dImage computed by the discriminator, so {@code G.fit(z, dLdImage)}
 * backpropagates D's gradient through G and runs G's own Adam step (iteration count, bias correction and BatchNorm
 * running statistics included). The score is only a linearised proxy; the real G loss is D's score.
 *
 * <p>Serialized by class name inside every generator checkpoint: do not move or rename.
 */
public class ExternalGradientLoss implements ILossFunction {

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        return fn.backprop(preOutput.dup(), labels.dup()).getFirst();
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask, boolean average) {
        double s = computeScoreArray(labels, preOutput, fn, mask).sumNumber().doubleValue();
        return average ? s / labels.size(0) : s;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        INDArray out = fn.getActivation(preOutput.dup(), true).muli(labels);
        return out.reshape(out.size(0), -1).sum(1);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation fn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, fn, mask, average), computeGradient(labels, preOutput, fn, mask));
    }

    @Override
    public String name() {
        return "ExternalGradientLoss";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExternalGradientLoss;
    }

    @Override
    public int hashCode() {
        return ExternalGradientLoss.class.hashCode();
    }
}
