package dev.gan.model;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaVertex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The projection term of a projection discriminator (Miyato and Koyama 2018; StudioGAN's {@code PD}): the dot
 * product, per image, of D's pooled features phi [B, F] and the class embedding of its label [B, F], as [B, 1].
 * Parameter-free: the embedding is a DenseLayer without bias on the one-hot label. Inputs: phi, embedding.
 *
 * <p>Serialized by class name inside every discriminator checkpoint that uses it: do not move or rename.
 */
public class RowDot extends SameDiffLambdaVertex {

    @Override
    public SDVariable defineVertex(SameDiff sd, VertexInputs inputs) {
        return inputs.getInput(0).mul(inputs.getInput(1)).sum(true, 1);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return InputType.feedForward(1);
    }
}
