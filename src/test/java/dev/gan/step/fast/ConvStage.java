package dev.gan.step.fast;

import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * A ConvolutionLayer or Deconvolution2D (NCHW, no dilation, explicit padding) as libnd4j's conv2d / deconv2d and
 * their _bp ops - the ops DL4J's own layers run - on the layer's own weights: weight format 1 makes the ops read
 * DL4J's layouts ([oC, iC, kH, kW] for conv, [iC, oC, kH, kW] for deconv) with no permuted copy. The reference
 * {@link DnnlConvStage} is held to, one layer at a time (the engine ran this stage until it moved to its own oneDNN
 * primitives, whose buffers it keeps: these ops allocate their blocked copies on every call).
 */
final class ConvStage implements Stage {
    /** conv2d / deconv2d integer argument 10: 1 = weights as DL4J stores them. */
    private static final int DL4J_WEIGHT_FORMAT = 1;

    private final boolean transposed;
    private final int[] kernel, stride, padding;
    private final long outChannels;
    private final INDArray weights, bias, weightGrad, biasGrad;
    private final Nonlinearity activation;
    private final CustomOp forwardOp, backwardOp;
    private final OpContext forwardArgs, backwardArgs;
    private final Buffer preActivation = new Buffer(), inputGrad = new Buffer();
    private INDArray input;

    ConvStage(ConvolutionLayer conf, Map<String, INDArray> params, Map<String, INDArray> grads, Nonlinearity activation) {
        this.transposed = conf instanceof Deconvolution2D;
        this.kernel = conf.getKernelSize();
        this.stride = conf.getStride();
        this.padding = conf.getPadding();
        this.outChannels = conf.getNOut();
        this.weights = params.get("W");
        this.weightGrad = grads.get("W");
        // DL4J keeps biases as [1, oC]; the ops want [oC]
        this.bias = conf.hasBias() ? params.get("b").reshape(outChannels) : null;
        this.biasGrad = conf.hasBias() ? grads.get("b").reshape(outChannels) : null;
        this.activation = activation;
        String op = transposed ? "deconv2d" : "conv2d";
        this.forwardOp = DynamicCustomOp.builder(op).build();
        this.backwardOp = DynamicCustomOp.builder(op + "_bp").build();
        long[] args = {kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], 1, 1,
                0 /* explicit padding, not "same" */, 0 /* NCHW */, DL4J_WEIGHT_FORMAT};
        this.forwardArgs = context(args);
        this.backwardArgs = context(args);
    }

    private static OpContext context(long[] args) {
        OpContext c = Nd4j.getExecutioner().buildContext();
        c.setIArguments(args);
        return c;
    }

    private long outSize(long in, int d) {
        return transposed ? stride[d] * (in - 1) + kernel[d] - 2L * padding[d]
                : (in + 2L * padding[d] - kernel[d]) / stride[d] + 1;
    }

    @Override
    public INDArray forward(INDArray x, INDArray[] inputs) {
        input = x;
        long[] shape = {x.size(0), outChannels, outSize(x.size(2), 0), outSize(x.size(3), 1)};
        INDArray z = preActivation.of(shape);
        forwardArgs.setInputArray(0, x);
        forwardArgs.setInputArray(1, weights);
        if (bias != null) forwardArgs.setInputArray(2, bias);
        forwardArgs.setOutputArray(0, z);
        ContextOp.exec(forwardOp, forwardArgs);
        return activation.forward(z);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        INDArray delta = activation.backward(gradOut);
        INDArray gx = inputGrad.of(input.shape());
        int i = 0;
        backwardArgs.setInputArray(i++, input);
        backwardArgs.setInputArray(i++, weights);
        if (bias != null) backwardArgs.setInputArray(i++, bias);
        backwardArgs.setInputArray(i, delta);
        backwardArgs.setOutputArray(0, gx);
        backwardArgs.setOutputArray(1, weightGrad);
        if (bias != null) backwardArgs.setOutputArray(2, biasGrad);
        ContextOp.exec(backwardOp, backwardArgs);
        return gx;
    }
}
