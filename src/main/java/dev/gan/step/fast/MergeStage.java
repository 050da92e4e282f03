package dev.gan.step.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J's MergeVertex on dimension 1 (features, or channels of NCHW maps), as CGANs use it: the noise and the one-hot
 * label for G, the image and the label maps for D. Its sources are the previous stage's output and network inputs;
 * backprop hands on only the previous stage's share (the inputs need no gradient), copied out to a contiguous array.
 */
final class MergeStage implements Stage {
    /** Marks the previous stage's output among the sources; other entries are network input indices. */
    static final int CHAIN = -1;

    private final int[] sources;
    private final Buffer output = new Buffer(), chainGrad = new Buffer();
    private final INDArray[] parts;
    private long[] chainShape;
    private long chainFrom;

    MergeStage(int[] sources) {
        this.sources = sources.clone();
        this.parts = new INDArray[sources.length];
    }

    @Override
    public INDArray forward(INDArray x, INDArray[] inputs) {
        long channels = 0;
        for (int i = 0; i < sources.length; i++) {
            parts[i] = sources[i] == CHAIN ? x : inputs[sources[i]];
            if (sources[i] == CHAIN) {
                chainFrom = channels;
                chainShape = x.shape();
            }
            channels += parts[i].size(1);
        }
        long[] shape = parts[0].shape().clone();
        shape[1] = channels;
        INDArray out = output.of(shape);
        long from = 0;
        for (INDArray part : parts) {
            out.get(channelRange(out.rank(), from, part.size(1))).assign(part);
            from += part.size(1);
        }
        return out;
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        if (chainShape == null) return null;
        return chainGrad.of(chainShape).assign(gradOut.get(channelRange(gradOut.rank(), chainFrom, chainShape[1])));
    }

    private static INDArrayIndex[] channelRange(int rank, long from, long count) {
        INDArrayIndex[] at = new INDArrayIndex[rank];
        for (int d = 0; d < rank; d++) at[d] = NDArrayIndex.all();
        at[1] = NDArrayIndex.interval(from, from + count);
        return at;
    }
}
