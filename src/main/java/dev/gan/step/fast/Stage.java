package dev.gan.step.fast;

import org.nd4j.linalg.api.ndarray.INDArray;

/** One vertex of a network, in training mode, on arrays it keeps between steps. */
interface Stage {
    /**
     * The output for input {@code x} (the previous stage's output, or a network input for the first stage);
     * {@code inputs} are the network's inputs, for stages that read them directly.
     */
    INDArray forward(INDArray x, INDArray[] inputs);

    /**
     * Given dLoss/dOutput for the last forward pass, writes this stage's parameter gradients (minibatch sums, as
     * DL4J's own layers produce them) into the graph's gradient view and returns dLoss/dInput.
     */
    INDArray backward(INDArray gradOut);

    /**
     * {@link #backward}, told whether anything will read dLoss/dInput: the first stage of a pass whose input gradient
     * is dropped (the D step's passes; G's, whose input is the noise) may skip it and return null.
     */
    default INDArray backward(INDArray gradOut, boolean inputGradient) {
        return backward(gradOut);
    }

    /**
     * Whether the backward passes from now on must write this stage's parameter gradients (true until told
     * otherwise). A pass whose parameter gradients nothing reads - the generator step's pass through D - may skip
     * them; the gradient view then keeps older values, which the next full pass overwrites before anything reads it.
     */
    default void parameterGradients(boolean needed) {
    }

    /**
     * Whether the next forward pass runs on the same weights as the last one, unchanged in between: a stage may then
     * reuse what it derived from them (a convolution's converted copies). False unless told otherwise.
     */
    default void sameWeights(boolean same) {
    }
}
