package dev.gan.model;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The class-dependent half of conditional BatchNorm (StudioGAN's {@code cBN}, BigGAN): {@code h * gain + bias} per
 * channel, where h [B, C, H, W] is the output of a BatchNorm without its own affine, and gain, bias [B, C] are the
 * rows of two class embeddings picked by each image's label (DenseLayers without bias on the one-hot label, so
 * their weights are ordinary DL4J parameters that checkpoints, the updater and the fast engine already handle).
 * Inputs in that order: h, gain, bias.
 */
public class ClassAffine extends PlainVertex {
    private static final int[] BATCH_AND_CHANNEL = {0, 1};
    private static final int[] SPATIAL = {2, 3};

    @Override
    int inputs() {
        return 3;
    }

    @Override
    long[] outputShape(INDArray[] in) {
        return in[0].shape();
    }

    @Override
    void forward(INDArray[] in, INDArray out) {
        apply(in[0], in[1], in[2], out);
    }

    /**
     * out = h * gain + bias, gain and bias [B, C] broadcast over the positions of h [B, C, H, W]. Also the fast
     * engine's forward pass.
     */
    public static void apply(INDArray h, INDArray gain, INDArray bias, INDArray out) {
        Nd4j.exec(new BroadcastMulOp(h, gain, out, BATCH_AND_CHANNEL));
        Nd4j.exec(new BroadcastAddOp(out, bias, out, BATCH_AND_CHANNEL));
    }

    @Override
    void backward(INDArray[] in, INDArray gradOut, INDArray[] grads) {
        backprop(in[0], in[1], gradOut, grads[0], grads[1], grads[2]);
    }

    /**
     * dLoss/dh, dLoss/dGain, dLoss/dBias into the last three arrays: dBias = the sum over positions of dOut,
     * dGain = the sum over positions of dOut * h, dh = dOut * gain. Also the fast engine's backward pass.
     */
    public static void backprop(INDArray h, INDArray gain, INDArray gradOut, INDArray dh, INDArray dGain,
                                INDArray dBias) {
        gradOut.sum(dBias, SPATIAL);
        dh.assign(h).muli(gradOut);   // scratch, overwritten below
        dh.sum(dGain, SPATIAL);
        Nd4j.exec(new BroadcastMulOp(gradOut, gain, dh, BATCH_AND_CHANNEL));
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return vertexInputs[0];
    }
}
