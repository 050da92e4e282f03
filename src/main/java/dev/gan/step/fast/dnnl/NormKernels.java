package dev.gan.step.fast.dnnl;

import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Cleaner;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * BatchNormalization in training mode on float32 arrays of one shape and layout, as oneDNN's batch_normalization
 * primitives: the forward pass normalises each channel with the batch's mean and biased variance, which the caller
 * computes (or, with ownStatistics, the primitive), and applies gamma and beta; the backward pass gives dLoss/dInput
 * through the batch statistics, and dLoss/dGamma, dLoss/dBeta as minibatch sums. Every array is read and written in
 * place, by address: nothing is copied or allocated per call.
 *
 * <p>Not oneDNN's own statistics in float32 training: they round differently from DL4J's, and a ReLU after the layer
 * then flips where its input is near 0 - on DCGAN-64's generator that moved whole beta gradients by 1e-3 against
 * DL4J's. bf16 training, whose convolutions round far more, takes them: they save the separate statistics pass and
 * read oneDNN's blocked layouts. Not oneDNN's fused ReLU on plain NCHW arrays either: there its kernel branches on
 * every element, which made the forward pass 3x slower on random data (ResNet-32's 64 x 256 x 32 x 32, one thread:
 * 167 ms against 23 ms, plus 8 ms for the separate ReLU); on a blocked layout it is the cheaper way.
 */
public final class NormKernels implements AutoCloseable {
    private final Natives natives = new Natives();
    private final Cleaner.Cleanable cleanable = natives.freeWith(this);
    private final dnnl_memory src, dst, mean, variance, scale, shift, diffDst, diffSrc, diffScale, diffShift;
    private final Dnnl.Exec forward, backward;

    /** @param shape [B, C, H, W] of the layer's input (and output) */
    public NormKernels(long[] shape, double eps) {
        this(Dnnl.md(shape, dnnl_f32, dnnl_nchw), shape[1], eps, false, false);
    }

    /**
     * @param data           the layout of the input and output arrays (and their gradients): NCHW, or the blocked
     *                       {@link ConvKernels#outputLayout} of the convolution that writes the input
     * @param ownStatistics  the forward pass computes the batch mean and biased variance itself and writes them into
     *                       the caller's arrays (else it reads them from there): one pass over the data fewer, but
     *                       summed in oneDNN's order, not DL4J's
     * @param relu           a ReLU after the normalisation, in the same pass over the data each way (the backward
     *                       pass reads where the output was positive from a bit mask the forward pass keeps)
     */
    public NormKernels(dnnl_memory_desc_t data, long channels, double eps, boolean ownStatistics, boolean relu) {
        dnnl_memory_desc_t perChannel = Dnnl.md(new long[]{channels}, dnnl_f32, dnnl_a);
        int flags = dnnl_use_scale | dnnl_use_shift | (relu ? dnnl_fuse_norm_relu : 0);
        // forward on given statistics ("global" to oneDNN) or its own; backward through the batch's, as the training
        // pass it is: a training forward pass with oneDNN's statistics is the backward pass's hint
        dnnl_batch_normalization_desc_t f = new dnnl_batch_normalization_desc_t();
        dnnl_batch_normalization_desc_t hint = new dnnl_batch_normalization_desc_t();
        dnnl_batch_normalization_desc_t b = new dnnl_batch_normalization_desc_t();
        Dnnl.check(dnnl_batch_normalization_forward_desc_init(f, dnnl_forward_training, data, (float) eps,
                ownStatistics ? flags : flags | dnnl_use_global_stats), "batch normalization forward");
        Dnnl.check(dnnl_batch_normalization_forward_desc_init(hint, dnnl_forward_training, data, (float) eps, flags),
                "batch normalization forward (hint)");
        Dnnl.check(dnnl_batch_normalization_backward_desc_init(b, dnnl_backward, data, data, (float) eps, flags),
                "batch normalization backward");
        dnnl_primitive_desc pf = Dnnl.primitiveDesc(f, null, "batch normalization forward");
        // kept as long as the backward primitive, which may refer to its hint
        dnnl_primitive_desc ph = natives.desc(Dnnl.primitiveDesc(hint, null, "batch normalization forward (hint)"));
        dnnl_primitive_desc pb = Dnnl.primitiveDesc(b, ph, "batch normalization backward");
        src = natives.user(data);
        dst = natives.user(data);
        diffDst = natives.user(data);
        diffSrc = natives.user(data);
        mean = natives.user(perChannel);
        variance = natives.user(perChannel);
        scale = natives.user(perChannel);
        shift = natives.user(perChannel);
        diffScale = natives.user(perChannel);
        diffShift = natives.user(perChannel);
        dnnl_memory workspace = relu ? natives.allocated(Dnnl.query(pf, dnnl_query_workspace_md)) : null;
        Object[] forwardArgs = {DNNL_ARG_SRC, src, DNNL_ARG_SCALE, scale, DNNL_ARG_SHIFT, shift, DNNL_ARG_DST, dst,
                DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance, DNNL_ARG_WORKSPACE, workspace};
        Object[] backwardArgs = {DNNL_ARG_SRC, src, DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance,
                DNNL_ARG_SCALE, scale, DNNL_ARG_SHIFT, shift, DNNL_ARG_DIFF_DST, diffDst, DNNL_ARG_DIFF_SRC, diffSrc,
                DNNL_ARG_DIFF_SCALE, diffScale, DNNL_ARG_DIFF_SHIFT, diffShift, DNNL_ARG_WORKSPACE, workspace};
        int drop = relu ? 0 : 2;   // no workspace without the ReLU
        forward = natives.exec(new Dnnl.Exec(pf, java.util.Arrays.copyOf(forwardArgs, forwardArgs.length - drop)));
        backward = natives.exec(new Dnnl.Exec(pb, java.util.Arrays.copyOf(backwardArgs, backwardArgs.length - drop)));
    }

    /**
     * y = gamma (x - mean) / sqrt(var + eps) + beta, for x's batch mean and biased variance: read from
     * {@code batchMean} and {@code batchVariance}, or written there with ownStatistics.
     */
    public void forward(INDArray x, INDArray gamma, INDArray beta, INDArray y, INDArray batchMean,
                        INDArray batchVariance) {
        Dnnl.point(src, x);
        Dnnl.point(scale, gamma);
        Dnnl.point(shift, beta);
        Dnnl.point(dst, y);
        Dnnl.point(mean, batchMean);
        Dnnl.point(variance, batchVariance);
        forward.run(natives.stream);
    }

    /**
     * dLoss/dx, dLoss/dGamma and dLoss/dBeta of the last forward pass, from dLoss/dy; {@code x} and the batch
     * statistics are that pass's, unchanged.
     */
    public void backward(INDArray x, INDArray batchMean, INDArray batchVariance, INDArray gamma, INDArray beta,
                         INDArray gradOut, INDArray gradIn, INDArray gammaGrad, INDArray betaGrad) {
        Dnnl.point(src, x);
        Dnnl.point(mean, batchMean);
        Dnnl.point(variance, batchVariance);
        Dnnl.point(scale, gamma);
        // oneDNN wants the shift among the backward pass's arguments, though its arithmetic does not read it
        Dnnl.point(shift, beta);
        Dnnl.point(diffDst, gradOut);
        Dnnl.point(diffSrc, gradIn);
        Dnnl.point(diffScale, gammaGrad);
        Dnnl.point(diffShift, betaGrad);
        backward.run(natives.stream);
    }

    /** oneDNN's names of the two primitives, e.g. "ncsp_bnorm:any": for tests and checks. */
    public String implementations() {
        return "forward " + forward.implementation + ", backward " + backward.implementation;
    }

    /** Frees the primitives; the caller's arrays are not touched. */
    @Override
    public void close() {
        cleanable.clean();
    }
}
