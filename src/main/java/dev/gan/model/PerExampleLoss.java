package dev.gan.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The parts of DL4J's {@link ILossFunction} that follow from the per-example scores and the gradient: the total or
 * mean score and the pair of both. Subclasses are stored by class name in checkpoints; this base class is not.
 */
public abstract class PerExampleLoss implements ILossFunction {

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask, boolean average) {
        double s = computeScoreArray(labels, preOutput, fn, mask).sumNumber().doubleValue();
        return average ? s / labels.size(0) : s;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation fn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, fn, mask, average), computeGradient(labels, preOutput, fn, mask));
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }
}
