package dev.gan.model;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The generator's "loss": its labels are dLoss/dImage computed by the discriminator, so {@code G.fit(z, dLdImage)}
 * backpropagates D's gradient through G and runs G's own Adam step (iteration count, bias correction and BatchNorm
 * running statistics included). The score is only a linearised proxy; the real G loss is D's score.
 *
 * <p>Serialized by class name inside every generator checkpoint: do not move or rename.
 */
public class ExternalGradientLoss extends PerExampleLoss {

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        return fn.backprop(preOutput.dup(), labels.dup()).getFirst();
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        INDArray out = fn.getActivation(preOutput.dup(), true).muli(labels);
        return out.reshape(out.size(0), -1).sum(1);
    }

    @Override
    public String name() {
        return "ExternalGradientLoss";
    }
}
