package dev.gan.step.fast;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's ActivationLayer: the nonlinearity on its own, as GanModels puts one after each BatchNormalization (M2.1's
 * BatchNormalization ignores the activation it is configured with).
 */
final class ActivationStage implements Stage {
    private final Nonlinearity f;
    /** Whether the input may be overwritten: true after a stage whose output buffer nothing else reads. */
    private final boolean inPlace;
    private final Buffer copy = new Buffer();
    /** The stage before applies this function itself ({@link #fusedBefore}): values pass through. */
    private boolean fused;

    ActivationStage(Nonlinearity f, boolean inPlace) {
        this.f = f;
        this.inPlace = inPlace;
    }

    @Override
    public INDArray forward(INDArray x, INDArray[] inputs) {
        if (fused) return x;
        return f.forward(inPlace ? x : copy.of(x.shape()).assign(x));
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        return fused ? gradOut : f.backward(gradOut);
    }

    /** Whether the function is a plain ReLU (max(0, x), no slope, cap or threshold). */
    boolean relu() {
        return f.relu();
    }

    /** From now on the stage before computes the function and its gradient (a BatchNorm's fused ReLU). */
    void fusedBefore() {
        fused = true;
    }
}
