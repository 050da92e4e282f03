package dev.gan.model;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Minibatch standard deviation (Karras et al., ProGAN): appends one feature map holding the mean, over features and
 * positions, of each feature's standard deviation across the batch. A collapsed generator makes that number small
 * on its fake batches, so D can see the collapse and G is pushed back towards variety - the statistic a
 * per-image discriminator cannot compute. Parameter-free.
 *
 * <p>Serialized by class name inside every discriminator checkpoint that uses it: do not move or rename.
 */
public class MinibatchStdDev extends SameDiffLambdaLayer {

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x) {   // x: [B, C, H, W]
        SDVariable std = x.sub(x.mean(true, 0)).pow(2).mean(true, 0).add(1e-8).pow(0.5);
        SDVariable oneChannel = x.get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all(), SDIndex.all());
        return sd.concat(1, x, sd.zerosLike(oneChannel).add(std.mean()));
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType in) {
        InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) in;
        return InputType.convolutional(c.getHeight(), c.getWidth(), c.getChannels() + 1);
    }
}
