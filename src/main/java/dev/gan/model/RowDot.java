package dev.gan.model;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The projection term of a projection discriminator (Miyato and Koyama 2018; StudioGAN's {@code PD}): the dot
 * product, per image, of D's features phi [B, F] and the class embedding of its label [B, F], as [B, 1]. The
 * embedding is a DenseLayer without bias on the one-hot label. Inputs: phi, embedding.
 */
public class RowDot extends PlainVertex {
    @Override
    int inputs() {
        return 2;
    }

    @Override
    long[] outputShape(INDArray[] in) {
        return new long[]{in[0].size(0), 1};
    }

    @Override
    void forward(INDArray[] in, INDArray out) {
        apply(in[0], in[1], out);
    }

    /** out [B, 1] = the row-wise dot products of a and b [B, F]. Also the fast engine's forward pass. */
    public static void apply(INDArray a, INDArray b, INDArray out) {
        a.mul(b).sum(out, 1);
    }

    @Override
    void backward(INDArray[] in, INDArray gradOut, INDArray[] grads) {
        backprop(in[0], in[1], gradOut, grads[0], grads[1]);
    }

    /** dLoss/da = dOut * b and dLoss/db = dOut * a, row by row. Also the fast engine's backward pass. */
    public static void backprop(INDArray a, INDArray b, INDArray gradOut, INDArray da, INDArray db) {
        da.assign(b).muliColumnVector(gradOut);
        db.assign(a).muliColumnVector(gradOut);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return InputType.feedForward(1);
    }
}
