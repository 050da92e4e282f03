package dev.gan.model;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaVertex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The class-dependent half of conditional BatchNorm (StudioGAN's {@code cBN}, BigGAN): {@code h * gain + bias} per
 * channel, where h [B, C, H, W] is the output of a BatchNorm without its own affine, and gain, bias [B, C] are the
 * rows of two class embeddings picked by each image's label (DenseLayers without bias on the one-hot label, so
 * their weights are ordinary DL4J parameters that checkpoints, the updater and the fast engine already handle).
 * Parameter-free; inputs in that order: h, gain, bias.
 *
 * <p>Serialized by class name inside every generator checkpoint that uses it: do not move or rename.
 */
public class ClassAffine extends SameDiffLambdaVertex {

    @Override
    public SDVariable defineVertex(SameDiff sd, VertexInputs inputs) {
        SDVariable h = inputs.getInput(0);
        SDVariable gain = sd.expandDims(sd.expandDims(inputs.getInput(1), 2), 3);   // [B, C, 1, 1]
        SDVariable bias = sd.expandDims(sd.expandDims(inputs.getInput(2), 2), 3);
        return h.mul(gain).add(bias);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return vertexInputs[0];
    }
}
