package dev.gan.step.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * A DenseLayer, or the affine part of an OutputLayer, as DL4J's BaseLayer computes it (gemm, bias row, activation),
 * into kept arrays. W is DL4J's own [nIn, nOut] view, which is 'f'-ordered inside the flat parameter vector.
 */
final class DenseStage implements Stage {
    private final long nOut;
    private final INDArray weights, bias, weightGrad, biasGrad;
    private final Nonlinearity activation;
    private final Buffer preActivation = new Buffer(), inputGrad = new Buffer();
    private INDArray input;
    private boolean parameterGradients = true;

    DenseStage(long nOut, boolean hasBias, Map<String, INDArray> params, Map<String, INDArray> grads,
               Nonlinearity activation) {
        this.nOut = nOut;
        this.weights = params.get("W");
        this.weightGrad = grads.get("W");
        this.bias = hasBias ? params.get("b") : null;
        this.biasGrad = hasBias ? grads.get("b") : null;
        this.activation = activation;
    }

    @Override
    public INDArray forward(INDArray x, INDArray[] inputs) {
        input = x;
        INDArray z = preActivation.of(x.size(0), nOut);
        Nd4j.gemm(x, weights, z, false, false, 1.0, 0.0);
        if (bias != null) z.addiRowVector(bias);
        return activation.forward(z);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        return backward(gradOut, true);
    }

    @Override
    public INDArray backward(INDArray gradOut, boolean inputGradient) {
        INDArray delta = activation.backward(gradOut);
        if (parameterGradients) {
            Nd4j.gemm(input, delta, weightGrad, true, false, 1.0, 0.0);
            if (bias != null) delta.sum(biasGrad, 0);
        }
        // G's first layer: nothing reads the noise's gradient, and it was a third of this layer's time
        if (!inputGradient) return null;
        INDArray gx = inputGrad.of(input.shape());
        Nd4j.gemm(delta, weights, gx, false, true, 1.0, 0.0);
        return gx;
    }

    @Override
    public void parameterGradients(boolean needed) {
        parameterGradients = needed;
    }
}
