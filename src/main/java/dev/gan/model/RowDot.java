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
        in[0].mul(in[1]).sum(out, 1);
    }

    @Override
    void backward(INDArray[] in, INDArray gradOut, INDArray[] grads) {
        grads[0].assign(in[1]).muliColumnVector(gradOut);
        grads[1].assign(in[0]).muliColumnVector(gradOut);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return InputType.feedForward(1);
    }
}
