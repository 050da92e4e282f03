package dev.gan.step.fast;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's FeedForwardToCnnPreProcessor / CnnToFeedForwardPreProcessor (NCHW): a 'c'-order reshape, which on the
 * stages' contiguous arrays is a view, not a copy.
 */
final class ReshapeStage implements Stage {
    /** Output shape without the batch dimension. */
    private final long[] perExample;
    private long[] inputShape;

    ReshapeStage(long... perExample) {
        this.perExample = perExample;
    }

    @Override
    public INDArray forward(INDArray x, INDArray[] inputs) {
        inputShape = x.shape();
        long[] shape = new long[perExample.length + 1];
        shape[0] = x.size(0);
        System.arraycopy(perExample, 0, shape, 1, perExample.length);
        return x.reshape('c', shape);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        return gradOut.reshape('c', inputShape);
    }
}
