package dev.gan.step.fast;

import dev.gan.step.fast.dnnl.Dnnl;
import dev.gan.step.fast.dnnl.NormKernels;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Map;

/**
 * A BatchNormalization layer in training mode, per channel (per feature for [B, N] input), as M2.1's layer computes it
 * with its oneDNN helper - batch mean and biased variance from libnd4j's {@code moments} op (DL4J's mean and variance
 * ops' numbers, bit for bit), then the normalisation - but with the normalisation and its backward pass on oneDNN
 * primitives of its own ({@link NormKernels}) that it keeps: libnd4j's batchnorm_bp took 190-300 ms a call on
 * ResNet-32's last G BatchNorm (64 x 256 x 32 x 32, one thread), oneDNN's backward 50 ms, its forward pass the same
 * as libnd4j's batchnorm (23 ms; the statistics take 30 more). In bf16 training oneDNN's forward pass computes the
 * statistics itself (ownStatistics), which lets the stage read a convolution's blocked output ({@link #readsFrom})
 * and apply the ReLU after it in the same kernels ({@link #fuseRelu}).
 *
 * <p>Like DL4J, it applies no activation of its own: M2.1's BatchNormalization ignores the activation it is
 * configured with ({@code activate} returns {@code preOutput}), and the fast engine must compute what DL4J computes.
 * The running statistics move as DL4J moves them ({@link RunningStatistics}).
 */
final class BatchNormStage implements Stage {
    private final long channels;
    private final double eps;
    private final INDArray gamma, beta, gammaGrad, betaGrad;
    private final RunningStatistics running;
    private final CustomOp momentsOp = DynamicCustomOp.builder("moments").build();
    private final OpContext momentsArgs = Nd4j.getExecutioner().buildContext();
    private final Buffer mean = new Buffer(), variance = new Buffer(), output = new Buffer(), inputGrad = new Buffer();
    /** The primitives for the last input shape: built again only when the batch size changes. */
    private NormKernels kernels;
    private long[] kernelsShape;
    private INDArray input;
    private long[] shape;
    private boolean parameterGradients = true;
    /** oneDNN computes the batch statistics in its forward pass (bf16 training), not libnd4j's moments op. */
    private final boolean ownStatistics;
    /** The convolution whose output this reads in the layout it writes it in (see {@link #readsFrom}), or null. */
    private DnnlConvStage before;
    /** The kernels of {@link #before} that this stage's kernels were built for. */
    private Object beforeKernels;
    /** A ReLU after the normalisation, in its kernels ({@link #fuseRelu}). */
    private boolean relu;

    BatchNormStage(BatchNormalization conf, Map<String, INDArray> params, Map<String, INDArray> grads) {
        this(conf, params, grads, false);
    }

    /** @param ownStatistics batch statistics from oneDNN's forward pass, not DL4J's op (see {@link NormKernels}) */
    BatchNormStage(BatchNormalization conf, Map<String, INDArray> params, Map<String, INDArray> grads,
                   boolean ownStatistics) {
        this.ownStatistics = ownStatistics;
        this.channels = conf.getNOut();
        this.eps = conf.getEps();
        // DL4J stores each as [1, C]; oneDNN reads [C]
        if (conf.isLockGammaBeta()) {
            // conditional BatchNorm's first half: gamma and beta are constants, not parameters; their "gradients"
            // go to scratch arrays nothing reads
            this.gamma = Nd4j.valueArrayOf(new long[]{channels}, conf.getGamma(), DataType.FLOAT);
            this.beta = Nd4j.valueArrayOf(new long[]{channels}, conf.getBeta(), DataType.FLOAT);
            this.gammaGrad = Nd4j.create(DataType.FLOAT, channels);
            this.betaGrad = Nd4j.create(DataType.FLOAT, channels);
        } else {
            this.gamma = flat(params, BatchNormalizationParamInitializer.GAMMA);
            this.beta = flat(params, BatchNormalizationParamInitializer.BETA);
            this.gammaGrad = flat(grads, BatchNormalizationParamInitializer.GAMMA);
            this.betaGrad = flat(grads, BatchNormalizationParamInitializer.BETA);
        }
        for (INDArray a : new INDArray[]{gamma, beta, gammaGrad, betaGrad}) {
            // oneDNN reads and writes these in place, by address
            if (!Dnnl.plain(a)) throw new IllegalStateException("not plain: " + a.shapeInfoToString());
        }
        this.running = new RunningStatistics(conf, params, grads);
        momentsArgs.setIArguments(0, 2, 3);
    }

    private INDArray flat(Map<String, INDArray> arrays, String key) {
        return arrays.get(key).reshape(channels);
    }

    @Override
    public INDArray forward(INDArray x, INDArray[] inputs) {
        shape = x.shape();
        INDArray in = x.rank() == 2 ? x.reshape(x.size(0), channels, 1, 1) : x;
        input = Dnnl.plain(in) ? in : in.dup('c');
        INDArray m = mean.of(channels), v = variance.of(channels);
        if (!ownStatistics) {
            momentsArgs.setInputArray(0, input);
            momentsArgs.setOutputArray(0, m);
            momentsArgs.setOutputArray(1, v);
            ContextOp.exec(momentsOp, momentsArgs);
        }
        INDArray y = output.of(input.shape());
        kernels(input.shape()).forward(input, gamma, beta, y, m, v);
        return y.reshape(shape);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        INDArray delta = gradOut.reshape(input.shape());
        if (!Dnnl.plain(delta)) delta = delta.dup('c');
        INDArray gx = inputGrad.of(input.shape());
        INDArray m = mean.of(channels), v = variance.of(channels);
        kernels.backward(input, m, v, gamma, beta, delta, gx, gammaGrad, betaGrad);
        // the running statistics' "gradients" are parameter gradients too (the updater moves them)
        if (parameterGradients) running.update(m, v);
        return gx.reshape(shape);
    }

    @Override
    public void parameterGradients(boolean needed) {
        parameterGradients = needed;
    }

    /** oneDNN's names of the kernels for the last forward pass: for tests and checks. */
    String implementations() {
        return kernels.implementations();
    }

    /**
     * Makes this stage read {@code convolution}'s output in the layout its primitive writes it in (a blocked one where
     * that has no padding) and hand dLoss/dInput back in that layout, for a convolution after this stage that reads
     * the same layout ({@link DnnlConvStage#readsFrom}): the output and the gradient skip two conversions each way.
     * Per-channel arithmetic does not care where each value sits; only oneDNN's statistics can read a blocked layout,
     * so the stage must compute its own ({@code ownStatistics}).
     */
    void readsFrom(DnnlConvStage convolution) {
        if (!ownStatistics) throw new IllegalStateException("a blocked input needs oneDNN's batch statistics");
        before = convolution;
    }

    /** Whether this stage reads a convolution's output in the layout it writes it in ({@link #readsFrom}). */
    boolean readsBlocked() {
        return before != null;
    }

    /**
     * Applies a ReLU to the output and backprops through it in the same kernels (the activation stage after this one
     * then passes values through): one pass over the data fewer each way. Only with a blocked input ({@link
     * #readsFrom}): on NCHW arrays oneDNN's fused kernel branches per element and is slower than the two apart.
     */
    void fuseRelu() {
        if (before == null) throw new IllegalStateException("a fused ReLU needs the blocked input");
        relu = true;
    }

    private NormKernels kernels(long[] in) {
        Object upstream = before == null ? null : before.kernels();
        if (kernels == null || !Arrays.equals(kernelsShape, in) || upstream != beforeKernels) {
            if (kernels != null) kernels.close();
            kernels = new NormKernels(before == null ? Dnnl.nchw(in) : before.kernels().outputLayout(), channels, eps,
                    ownStatistics, relu);
            kernelsShape = in.clone();
            beforeKernels = upstream;
        }
        return kernels;
    }
}
