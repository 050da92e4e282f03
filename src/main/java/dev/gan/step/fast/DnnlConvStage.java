package dev.gan.step.fast;

import dev.gan.step.fast.dnnl.ConvKernels;
import dev.gan.step.fast.dnnl.Dnnl;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Map;

/**
 * A ConvolutionLayer or Deconvolution2D (NCHW, no dilation, explicit padding) on oneDNN 2.5's primitives
 * ({@link ConvKernels}), on the layer's own weight, bias and gradient arrays. In float32 it computes what DL4J's layers
 * do through libnd4j's conv2d / deconv2d ops (tests hold it to those ops, which pins down the layouts), but on
 * primitives and blocked buffers it keeps: libnd4j's ops allocate their blocked copies on every call (at ResNet-32's
 * width half a second of page faults per 32x32 convolution, forward and backward, on one thread), and this way the
 * Winograd kernels of {@link ConvKernels} serve the forward pass too. In bf16 (training.precision) the primitives
 * multiply bf16 copies of the input, the weights and dLoss/dOutput and accumulate and write float32: the layer's
 * float32 weights stay DL4J's master copy, and its gradients, BatchNorm and Adam see float32 only (libnd4j's own conv
 * ops run bf16 through generic loops, hundreds of times slower, and refuse float32 outputs from bf16 inputs).
 */
final class DnnlConvStage implements Stage {
    private final boolean transposed, bf16;
    private final int[] kernel, stride, padding;
    private final long outChannels;
    private final INDArray weights, bias, weightGrad, biasGrad;
    private final Nonlinearity activation;
    private final Buffer preActivation = new Buffer(), inputGrad = new Buffer();
    /** The primitives for the last input shape: built again only when the batch size changes. */
    private ConvKernels kernels;
    private long[] kernelsShape;
    /** The convolution right before, whose output this one reads in the layout that one writes it in; or null. */
    private DnnlConvStage before;
    /** The kernels of {@link #before} that this stage's kernels were built to read from. */
    private ConvKernels beforeKernels;
    /** Whether a convolution right after reads this one's output as it is written (see {@link #readsFrom}). */
    private boolean feedsConvolution;
    private boolean parameterGradients = true;
    /** Whether the weights are the last forward pass's (see {@link Stage#sameWeights}). */
    private boolean sameWeights;
    private INDArray input;

    DnnlConvStage(ConvolutionLayer conf, Map<String, INDArray> params, Map<String, INDArray> grads,
                  Nonlinearity activation, boolean bf16) {
        this.bf16 = bf16;
        this.transposed = conf instanceof Deconvolution2D;
        this.kernel = conf.getKernelSize();
        this.stride = conf.getStride();
        this.padding = conf.getPadding();
        this.outChannels = conf.getNOut();
        this.weights = params.get("W");
        this.weightGrad = grads.get("W");
        // DL4J keeps biases as [1, oC]
        this.bias = conf.hasBias() ? params.get("b").reshape(outChannels) : null;
        this.biasGrad = conf.hasBias() ? grads.get("b").reshape(outChannels) : null;
        this.activation = activation;
        for (INDArray a : new INDArray[]{weights, weightGrad, bias, biasGrad}) {
            // oneDNN reads and writes these in place, by address
            if (a != null && !Dnnl.plain(a)) throw new IllegalStateException("not plain: " + a.shapeInfoToString());
        }
    }

    private long outSize(long in, int d) {
        return transposed ? stride[d] * (in - 1) + kernel[d] - 2L * padding[d]
                : (in + 2L * padding[d] - kernel[d]) / stride[d] + 1;
    }

    @Override
    public INDArray forward(INDArray x, INDArray[] inputs) {
        input = Dnnl.plain(x) ? x : x.dup('c');
        long[] shape = {x.size(0), outChannels, outSize(x.size(2), 0), outSize(x.size(3), 1)};
        INDArray z = preActivation.of(shape);
        kernels(input.shape(), shape).forward(input, weights, bias, z, sameWeights);
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
        if (parameterGradients) kernels.backwardWeights(input, delta, weightGrad, biasGrad);
        if (!inputGradient) return null;
        INDArray gx = inputGrad.of(input.shape());
        if (parameterGradients) kernels.backwardData(delta, weights, gx);
        else kernels.backwardDataOnly(delta, weights, gx);
        return gx;
    }

    @Override
    public void parameterGradients(boolean needed) {
        parameterGradients = needed;
    }

    @Override
    public void sameWeights(boolean same) {
        sameWeights = same;
    }

    /**
     * Makes this stage read {@code previous}'s output (through that stage's activation, elementwise) in the blocked
     * layout that stage's primitive writes it in, and hand dLoss/dInput back in that layout: the two conversions
     * between it and NCHW each way are gone (DCGAN-28's D: 64 x 64 x 14 x 14 between its convolutions, four 3 MB
     * reorders a pass). The arithmetic is the same; only where the values sit in the arrays changes, which nothing
     * between the two stages looks at.
     */
    void readsFrom(DnnlConvStage previous) {
        before = previous;
        previous.feedsConvolution = true;
    }

    /** The primitives of the last forward pass (whose output layout a stage reading that output needs), or null. */
    ConvKernels kernels() {
        return kernels;
    }

    /** Whether this convolution multiplies in bf16. */
    boolean bf16() {
        return bf16;
    }

    /** Whether the last forward pass left its output in a blocked layout for the convolution after it: for tests. */
    boolean blockedOutput() {
        return !kernels.plainOutput();
    }

    /** oneDNN's names of the kernels for the last forward pass (which ISA, whether bf16): for tests and checks. */
    String implementations() {
        return kernels.implementations();
    }

    private ConvKernels kernels(long[] in, long[] out) {
        ConvKernels upstream = before == null ? null : before.kernels;
        if (kernels == null || !Arrays.equals(kernelsShape, in) || upstream != beforeKernels) {
            if (kernels != null) kernels.close();
            long[] w = weights.shape();
            // oneDNN's weight dimensions are (output channels, input channels, kH, kW) for both kinds
            long[] dims = transposed ? new long[]{w[1], w[0], w[2], w[3]} : w.clone();
            kernels = new ConvKernels(new ConvKernels.Geometry(transposed, in, dims, out,
                    new long[]{stride[0], stride[1]}, new long[]{padding[0], padding[1]}, bias != null), bf16,
                    upstream == null ? null : upstream.outputLayout(), feedsConvolution);
            kernelsShape = in.clone();
            beforeKernels = upstream;
        }
        return kernels;
    }
}
