package dev.gan.step.fast;

import dev.gan.step.fast.dnnl.Dnnl;
import dev.gan.step.fast.dnnl.Gemm;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * A DenseLayer, or the affine part of an OutputLayer, as DL4J's BaseLayer computes it (product, bias row,
 * activation), into kept arrays, with the products on oneDNN's sgemm ({@link Gemm}). W is DL4J's own [nIn, nOut]
 * view, 'f'-ordered inside the flat parameter vector: read as its transpose, it is a plain [nOut, nIn] matrix, and
 * so is W's gradient view. The bias row enters as the product's starting value (a rank-1 product with a column of
 * ones), and its gradient, the column sums of dLoss/dz, as a product with that column: no ND4J op in the layer.
 *
 * <p>DCGAN-28 at 2 threads, profiled inside the step: G's first layer 1.6 + 1.5 ms (forward + backward) before,
 * 1.1-1.5 + 0.5-0.6 after; D's last layer 0.5 + 0.9 ms before, 0.07 + 0.1-0.2 after. The sums run in another
 * kernel's order than libnd4j's matmul and sum, so the last bits differ: FastNetNumericsTest measured DCGAN-28's
 * dense weight gradients within 5e-7 relative of DL4J's, like the convolutions' (its tolerance: 1e-4).
 */
final class DenseStage implements Stage {
    private final long nIn, nOut;
    /** W and dLoss/dW as [nOut, nIn] row-major views. */
    private final INDArray weightsT, weightGradT;
    private final INDArray bias, biasGrad;
    private final Nonlinearity activation;
    private final Buffer preActivation = new Buffer(), inputGrad = new Buffer(), ones = new Buffer();
    private long onesLength = -1;
    private INDArray input;
    private boolean parameterGradients = true;

    DenseStage(long nOut, boolean hasBias, Map<String, INDArray> params, Map<String, INDArray> grads,
               Nonlinearity activation) {
        this.nOut = nOut;
        INDArray weights = params.get("W");
        this.nIn = weights.size(0);
        this.weightsT = plain(weights.transpose());
        this.weightGradT = plain(grads.get("W").transpose());
        this.bias = hasBias ? plain(params.get("b")) : null;
        this.biasGrad = hasBias ? plain(grads.get("b")) : null;
        this.activation = activation;
    }

    private static INDArray plain(INDArray a) {
        if (!Dnnl.plain(a)) throw new IllegalStateException("not plain: " + a.shapeInfoToString());
        return a;
    }

    @Override
    public INDArray forward(INDArray x, INDArray[] inputs) {
        input = Dnnl.plain(x) ? x : x.dup('c');
        long b = input.size(0);
        INDArray z = preActivation.of(b, nOut);
        if (bias != null) {
            // z = 1 b, then z = x W + z: the bias added to the product, as DL4J adds it
            Gemm.multiply(false, false, b, nOut, 1, ones(b), bias, 0f, z);
        }
        Gemm.multiply(false, true, b, nOut, nIn, input, weightsT, bias != null ? 1f : 0f, z);
        return activation.forward(z);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        return backward(gradOut, true);
    }

    @Override
    public INDArray backward(INDArray gradOut, boolean inputGradient) {
        INDArray delta = activation.backward(gradOut);
        if (!Dnnl.plain(delta)) delta = delta.dup('c');
        long b = input.size(0);
        if (parameterGradients) {
            // dLoss/dW^T = delta^T x, a minibatch sum; dLoss/db = 1^T delta
            Gemm.multiply(true, false, nOut, nIn, b, delta, input, 0f, weightGradT);
            if (bias != null) Gemm.multiply(false, false, 1, nOut, b, ones(b), delta, 0f, biasGrad);
        }
        // G's first layer: nothing reads the noise's gradient, and it was a third of this layer's time
        if (!inputGradient) return null;
        INDArray gx = inputGrad.of(input.shape());
        Gemm.multiply(false, false, b, nIn, nOut, delta, weightsT, 0f, gx);
        return gx;
    }

    @Override
    public void parameterGradients(boolean needed) {
        parameterGradients = needed;
    }

    /** A column of b ones ([b, 1], or [1, b] read as a row). */
    private INDArray ones(long b) {
        INDArray o = ones.of(b, 1);
        if (onesLength != b) {
            // a new batch size: the buffer was allocated again
            o.assign(1);
            onesLength = b;
        }
        return o;
    }
}
