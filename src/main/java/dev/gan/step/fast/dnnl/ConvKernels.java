package dev.gan.step.fast.dnnl;

import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Cleaner;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * One convolution or transposed convolution (deconvolution) of one shape, as oneDNN's forward, backward-data and
 * backward-weights primitives, reading and writing plain NCHW float32 ND4J arrays: the layer's input, weights and
 * bias in DL4J's layouts, its pre-activation output, and its gradients.
 *
 * <p>In bf16, the primitives read bf16 copies of the input, the weights and dLoss/dOutput and write float32 (output,
 * input gradient, weight and bias gradients): the float32 weights stay the master copy that DL4J's updater changes,
 * and no gradient is rounded to bf16. oneDNN's bf16 kernels exist only for its blocked layouts, which the primitives
 * choose ("any"); reorders convert between those and the caller's arrays at every call (the weights once per pass
 * on new weights). Float32 takes the same path (only the types differ), which is how tests check the layouts
 * against ND4J's own conv2d / deconv2d.
 *
 * <p>Weights: a convolution's [oC, iC, kH, kW] is oneDNN's oihw; a deconvolution's, DL4J's [iC, oC, kH, kW], is
 * oneDNN's iohw (oneDNN's deconvolution weights have the dimensions of its output channels first).
 *
 * <p>Algorithm: a float32 convolution with 16 or more input channels lets oneDNN choose ("auto"), which takes
 * Winograd F(4x4, 3x3) for 3x3 stride-1 kernels where its heuristic finds it faster - the ResNets' convolutions, at
 * 2-3x the direct kernels' speed (ResNet-32's 256-channel 3x3 at 32x32, batch 64, 1 thread: forward 254 ms against
 * 679, backward 491 against 1,502). libnd4j's conv2d_bp, which DL4J's own layers run, already chooses the same way,
 * and against its results Winograd's rounding measured within 1.2e-6 relative (the direct kernels: 5e-6). Below 16
 * input channels (an RGB image) Winograd was the slower choice; bf16 and the transposed convolutions stay direct
 * (oneDNN has no bf16 Winograd, and DL4J's deconvolutions have stride 2).
 *
 * <p>Narrow sides stay plain: a deconvolution's output and a convolution's input gradient with fewer than 16 channels
 * (a greyscale or RGB image) are NCHW, which oneDNN runs as a gemm; blocked, it padded them to 16 channels (DCGAN-28's
 * last deconvolution, 64 x 64 x 14 x 14 to one channel, 1 thread: 7-9 ms forward against 0.6; its first
 * convolution's backward-data pass 3.6-4.4 ms against 0.6). A deconvolution's bias is added after its primitive by a
 * broadcast addition (the same single float sum): inside the primitive oneDNN 2.5 adds it in a reference loop, 4 ms
 * of a 12 ms forward pass at 128 -> 64 channels, 7x7 -> 14x14.
 *
 * <p>Memory: the blocked copies a call needs only while it runs live in the thread's {@link Scratch}; a layer keeps
 * its own only of what one call leaves for a later one (its blocked input and weights, read again by the backward
 * passes).
 */
public final class ConvKernels implements AutoCloseable {
    /** The geometry of one layer at one batch size; padding is symmetric (explicit, DL4J's truncate mode). */
    public record Geometry(boolean transposed, long[] src, long[] weights, long[] dst, long[] strides, long[] padding,
                           boolean bias) {
    }

    private final Natives natives = new Natives();
    private final Cleaner.Cleanable cleanable = natives.freeWith(this);
    private final dnnl_stream stream = natives.stream;
    /** Memories over the caller's arrays; their buffers are set at each call. */
    private final dnnl_memory srcUser, weightsUser, dstUser, biasUser, diffDstUser, diffSrcUser, diffWeightsUser,
            diffBiasUser;
    /** What the primitives read and write, in their own layouts (or the user memory itself where it already fits). */
    private final dnnl_memory src, weightsFwd, weightsBwd, diffDstData, diffDstWeights, srcWeights, dst, diffSrc;
    /** The memories above that live in the thread's {@link Scratch}, bound at each call; null where none is needed. */
    private final Slot dstSlot, diffDstWeightsSlot, diffDstDataSlot, srcWeightsSlot, diffSrcSlot;
    private final Dnnl.Exec forward, backwardData, backwardWeights;
    /** Conversions, null where none is needed. */
    private final Dnnl.Exec srcIn, weightsFwdIn, dstOut, diffDstIn, diffDstWeightsIn, weightsBwdIn, diffSrcOut,
            diffWeightsOut, srcWeightsIn, diffBiasOut;
    private final boolean bias;
    /** The layout of the output arrays: NCHW, or the forward primitive's own (valid while this object is open). */
    private final dnnl_memory_desc_t outputLayout;
    private final long[] geometryDst;
    /** A deconvolution's bias, as the [1, C, 1, 1] the addition after its primitive broadcasts; else null. */
    private final dnnl_memory biasRow;
    private final Dnnl.Exec biasAdd;
    /** Whether the forward / backward-data copies of the weights hold the array at weightsAddress as last converted. */
    private boolean weightsFwdCurrent, weightsBwdCurrent;
    private long weightsAddress;
    /** Fewer channels than a blocked layout's 16. */
    private static final long NARROW = 16;

    /**
     * @param bf16          bf16 inputs to the arithmetic (else float32 throughout)
     * @param inputLayout   the layout of the input and input-gradient arrays: null for NCHW, or the {@link #outputLayout}
     *                      of the convolution before, whose output this one then reads as it is written
     * @param blockedOutput keep the output and dLoss/dOutput arrays in the forward primitive's own layout where that
     *                      fills them exactly (no channel padding), for a convolution after this one; else NCHW
     */
    public ConvKernels(Geometry g, boolean bf16, dnnl_memory_desc_t inputLayout, boolean blockedOutput) {
        this.bias = g.bias();
        int in = bf16 ? dnnl_bf16 : dnnl_f32, any = dnnl_format_tag_any;
        int weightsTag = g.transposed() ? dnnl_iohw : dnnl_oihw;
        long[] biasDims = {g.weights()[0]};
        dnnl_memory_desc_t srcPlain = inputLayout != null ? inputLayout : Dnnl.md(g.src(), dnnl_f32, dnnl_nchw);
        dnnl_memory_desc_t weightsPlain = Dnnl.md(g.weights(), dnnl_f32, weightsTag);
        dnnl_memory_desc_t dstPlain = Dnnl.md(g.dst(), dnnl_f32, dnnl_nchw);
        dnnl_memory_desc_t biasPlain = Dnnl.md(biasDims, dnnl_f32, dnnl_a);

        dnnl_convolution_desc_t f = new dnnl_convolution_desc_t(), d = new dnnl_convolution_desc_t(),
                w = new dnnl_convolution_desc_t();
        long[] s = g.strides(), p = g.padding();
        dnnl_memory_desc_t biasMd = bias ? biasPlain : null;
        int algorithm = !bf16 && g.src()[1] >= 16 ? dnnl_convolution_auto : dnnl_convolution_direct;
        // a narrow output of a deconvolution (an image's few channels) and a narrow input gradient of a convolution
        // stay plain: blocked, oneDNN pads their channels to 16 and does 16x the work
        int deconvDstTag = g.dst()[1] < NARROW ? dnnl_nchw : any;
        int convDiffSrcTag = g.src()[1] < NARROW ? dnnl_nchw : any;
        if (g.transposed()) {
            // the bias goes on after the primitive: inside it, oneDNN adds it with a reference loop
            Dnnl.check(dnnl_deconvolution_forward_desc_init(f, dnnl_forward_training, dnnl_deconvolution_direct,
                    Dnnl.md(g.src(), in, any), Dnnl.md(g.weights(), in, any), null,
                    Dnnl.md(g.dst(), dnnl_f32, deconvDstTag), s, p, p), "deconvolution forward");
            Dnnl.check(dnnl_deconvolution_backward_data_desc_init(d, dnnl_deconvolution_direct,
                    Dnnl.md(g.src(), dnnl_f32, any), Dnnl.md(g.weights(), in, any), Dnnl.md(g.dst(), in, any), s, p, p),
                    "deconvolution backward data");
            Dnnl.check(dnnl_deconvolution_backward_weights_desc_init(w, dnnl_deconvolution_direct,
                    Dnnl.md(g.src(), in, any), Dnnl.md(g.weights(), dnnl_f32, any), biasMd, Dnnl.md(g.dst(), in, any),
                    s, p, p), "deconvolution backward weights");
        } else {
            Dnnl.check(dnnl_convolution_forward_desc_init(f, dnnl_forward_training, algorithm,
                    Dnnl.md(g.src(), in, any), Dnnl.md(g.weights(), in, any), biasMd, Dnnl.md(g.dst(), dnnl_f32, any),
                    s, p, p), "convolution forward");
            Dnnl.check(dnnl_convolution_backward_data_desc_init(d, algorithm,
                    Dnnl.md(g.src(), dnnl_f32, convDiffSrcTag), Dnnl.md(g.weights(), in, any), Dnnl.md(g.dst(), in, any), s, p, p),
                    "convolution backward data");
            Dnnl.check(dnnl_convolution_backward_weights_desc_init(w, algorithm,
                    Dnnl.md(g.src(), in, any), Dnnl.md(g.weights(), dnnl_f32, any), biasMd, Dnnl.md(g.dst(), in, any),
                    s, p, p), "convolution backward weights");
        }
        dnnl_primitive_desc pf = Dnnl.primitiveDesc(f, null, "forward");
        dnnl_primitive_desc pd = Dnnl.primitiveDesc(d, pf, "backward data");
        dnnl_primitive_desc pw = Dnnl.primitiveDesc(w, pf, "backward weights");

        dnnl_memory_desc_t fwdDst = Dnnl.query(pf, dnnl_query_dst_md);
        if (blockedOutput && !(bias && g.transposed())
                && dnnl_memory_desc_get_size(fwdDst) == dnnl_memory_desc_get_size(dstPlain)) {
            dstPlain = fwdDst;
        }
        outputLayout = dstPlain;
        geometryDst = g.dst().clone();
        srcUser = user(srcPlain);
        weightsUser = user(weightsPlain);
        dstUser = user(dstPlain);
        diffDstUser = user(dstPlain);
        diffSrcUser = user(srcPlain);
        diffWeightsUser = user(weightsPlain);
        biasUser = bias ? user(biasPlain) : null;
        diffBiasUser = bias ? user(biasPlain) : null;

        // forward: src, weights (and bias) in; dst out
        dnnl_memory_desc_t srcMd = Dnnl.query(pf, dnnl_query_src_md), weightsMd = Dnnl.query(pf, dnnl_query_weights_md);
        src = target(srcMd, srcPlain, srcUser);
        srcIn = convert(srcUser, srcPlain, src, srcMd);
        weightsFwd = target(weightsMd, weightsPlain, weightsUser);
        weightsFwdIn = convert(weightsUser, weightsPlain, weightsFwd, weightsMd);
        dnnl_memory_desc_t dstMd = Dnnl.query(pf, dnnl_query_dst_md);
        dstSlot = slot(dstMd, dstPlain, Scratch.OUT);
        dst = memory(dstSlot, dstUser);
        dstOut = convert(dst, dstMd, dstUser, dstPlain);
        boolean fusedBias = bias && !g.transposed();
        if (bias && g.transposed()) {
            long[] row = {1, biasDims[0], 1, 1};
            biasRow = user(Dnnl.md(row, dnnl_f32, dnnl_nchw));
            biasAdd = exec(Dnnl.add(dstUser, dstPlain, biasRow, Dnnl.md(row, dnnl_f32, dnnl_nchw)));
        } else {
            biasRow = null;
            biasAdd = null;
        }
        forward = exec(fusedBias ? new Dnnl.Exec(pf, DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, weightsFwd, DNNL_ARG_BIAS,
                biasUser, DNNL_ARG_DST, dst) : new Dnnl.Exec(pf, DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, weightsFwd,
                DNNL_ARG_DST, dst));

        // backward weights: the forward's src (again if its layout differs), dLoss/dDst in; weight gradients out
        dnnl_memory_desc_t srcWMd = Dnnl.query(pw, dnnl_query_src_md);
        boolean sameSrc = Dnnl.same(srcWMd, srcMd);
        srcWeightsSlot = sameSrc ? null : slot(srcWMd, srcPlain, Scratch.IN_AGAIN);
        srcWeights = sameSrc ? src : memory(srcWeightsSlot, srcUser);
        srcWeightsIn = sameSrc ? null : convert(srcUser, srcPlain, srcWeights, srcWMd);
        dnnl_memory_desc_t ddWMd = Dnnl.query(pw, dnnl_query_diff_dst_md);
        diffDstWeightsSlot = slot(ddWMd, dstPlain, Scratch.OUT);
        diffDstWeights = memory(diffDstWeightsSlot, diffDstUser);
        diffDstWeightsIn = convert(diffDstUser, dstPlain, diffDstWeights, ddWMd);
        dnnl_memory_desc_t dwMd = Dnnl.query(pw, dnnl_query_diff_weights_md);
        dnnl_memory diffWeights = target(dwMd, weightsPlain, diffWeightsUser);
        diffWeightsOut = convert(diffWeights, dwMd, diffWeightsUser, weightsPlain);
        dnnl_memory diffBias = null;
        if (bias) {
            dnnl_memory_desc_t dbMd = dnnl_primitive_desc_query_md(pw, dnnl_query_diff_weights_md, 1);
            diffBias = target(dbMd, biasPlain, diffBiasUser);
            diffBiasOut = convert(diffBias, dbMd, diffBiasUser, biasPlain);
        } else {
            diffBiasOut = null;
        }
        backwardWeights = exec(bias ? new Dnnl.Exec(pw, DNNL_ARG_SRC, srcWeights, DNNL_ARG_DIFF_DST, diffDstWeights,
                DNNL_ARG_DIFF_WEIGHTS, diffWeights, DNNL_ARG_DIFF_BIAS, diffBias)
                : new Dnnl.Exec(pw, DNNL_ARG_SRC, srcWeights, DNNL_ARG_DIFF_DST, diffDstWeights,
                DNNL_ARG_DIFF_WEIGHTS, diffWeights));

        // backward data: dLoss/dDst and the weights (in this primitive's own layout) in; dLoss/dSrc out
        dnnl_memory_desc_t ddDMd = Dnnl.query(pd, dnnl_query_diff_dst_md);
        boolean sameDiffDst = Dnnl.same(ddDMd, ddWMd);
        diffDstDataSlot = sameDiffDst ? null : slot(ddDMd, dstPlain, Scratch.DIFF_OUT_DATA);
        diffDstData = sameDiffDst ? diffDstWeights : memory(diffDstDataSlot, diffDstUser);
        diffDstIn = sameDiffDst ? null : convert(diffDstUser, dstPlain, diffDstData, ddDMd);
        dnnl_memory_desc_t weightsBMd = Dnnl.query(pd, dnnl_query_weights_md);
        boolean sameWeights = Dnnl.same(weightsBMd, weightsMd);
        weightsBwd = sameWeights ? weightsFwd : target(weightsBMd, weightsPlain, weightsUser);
        weightsBwdIn = sameWeights ? null : convert(weightsUser, weightsPlain, weightsBwd, weightsBMd);
        dnnl_memory_desc_t dsMd = Dnnl.query(pd, dnnl_query_diff_src_md);
        diffSrcSlot = slot(dsMd, srcPlain, Scratch.DIFF_IN);
        diffSrc = memory(diffSrcSlot, diffSrcUser);
        diffSrcOut = convert(diffSrc, dsMd, diffSrcUser, srcPlain);
        backwardData = exec(new Dnnl.Exec(pd, DNNL_ARG_DIFF_DST, diffDstData, DNNL_ARG_WEIGHTS, weightsBwd,
                DNNL_ARG_DIFF_SRC, diffSrc));
    }

    /** The layout this writes its output (and reads dLoss/dOutput) in, for the next convolution's inputLayout. */
    public dnnl_memory_desc_t outputLayout() {
        return outputLayout;
    }

    /** Whether the output arrays are NCHW (not in a blocked layout for the next convolution). */
    public boolean plainOutput() {
        return Dnnl.same(outputLayout, Dnnl.md(geometryDst, dnnl_f32, dnnl_nchw));
    }

    /** The implementations oneDNN picked, e.g. "jit_bf16:avx512_core_bf16" for each of the three passes. */
    public String implementations() {
        return "forward " + forward.implementation + ", backward data " + backwardData.implementation
                + ", backward weights " + backwardWeights.implementation;
    }

    /**
     * z = x * W (+ b), pre-activation, into {@code z}. The weights' conversion is kept for {@link #backwardData}; with
     * {@code sameWeights} the caller vouches that they are the last forward pass's, and that pass's is used again.
     */
    public void forward(INDArray x, INDArray weights, INDArray biasArray, INDArray z, boolean sameWeights) {
        long address = weights.data().address();
        if (!sameWeights || address != weightsAddress) {
            weightsFwdCurrent = weightsBwdCurrent = false;
            weightsAddress = address;
        }
        Dnnl.point(srcUser, x);
        Dnnl.point(weightsUser, weights);
        Dnnl.point(dstUser, z);
        if (bias) Dnnl.point(biasUser, biasArray);
        if (biasRow != null) Dnnl.point(biasRow, biasArray);
        bind(dstSlot);
        run(srcIn);
        if (!weightsFwdCurrent) run(weightsFwdIn);
        weightsFwdCurrent = true;
        forward.run(stream);
        run(dstOut);
        run(biasAdd);
    }

    /**
     * Weight (and bias) gradients of the last forward pass, minibatch sums as DL4J's layers write them, from
     * dLoss/dz ({@code delta}); {@code x} is that pass's input, still unchanged. Call before {@link #backwardData},
     * which reads the converted {@code delta}.
     */
    public void backwardWeights(INDArray x, INDArray delta, INDArray weightGrad, INDArray biasGrad) {
        Dnnl.point(diffDstUser, delta);
        Dnnl.point(diffWeightsUser, weightGrad);
        if (bias) Dnnl.point(diffBiasUser, biasGrad);
        bind(diffDstWeightsSlot);
        bind(srcWeightsSlot);
        run(diffDstWeightsIn);
        if (srcWeightsIn != null) {
            Dnnl.point(srcUser, x);
            run(srcWeightsIn);
        }
        backwardWeights.run(stream);
        run(diffWeightsOut);
        run(diffBiasOut);
    }

    /** dLoss/dx into {@code inputGrad}, for the {@code delta} of {@link #backwardWeights} and the forward's weights. */
    public void backwardData(INDArray delta, INDArray weights, INDArray inputGrad) {
        backwardData(delta, weights, inputGrad, true);
    }

    /** {@link #backwardData} without {@link #backwardWeights} before it: converts {@code delta} itself. */
    public void backwardDataOnly(INDArray delta, INDArray weights, INDArray inputGrad) {
        backwardData(delta, weights, inputGrad, false);
    }

    private void backwardData(INDArray delta, INDArray weights, INDArray inputGrad, boolean deltaConverted) {
        Dnnl.point(diffDstUser, delta);
        Dnnl.point(diffSrcUser, inputGrad);
        // the same slot as backwardWeights, so dLoss/dOutput converted there is still in it
        bind(diffDstWeightsSlot);
        bind(diffDstDataSlot);
        bind(diffSrcSlot);
        // where the data pass reads dLoss/dOutput from the weight pass's conversion, that conversion must run first
        if (diffDstIn == null && !deltaConverted) run(diffDstWeightsIn);
        run(diffDstIn);
        if (weightsBwdIn != null && !weightsBwdCurrent) {
            Dnnl.point(weightsUser, weights);
            run(weightsBwdIn);
            weightsBwdCurrent = true;
        }
        backwardData.run(stream);
        run(diffSrcOut);
    }

    private void run(Dnnl.Exec conversion) {
        if (conversion != null) conversion.run(stream);
    }

    private dnnl_memory user(dnnl_memory_desc_t plain) {
        return natives.user(plain);
    }

    /** The memory a primitive uses for {@code md}: the user memory itself when the layout and type match. */
    private dnnl_memory target(dnnl_memory_desc_t md, dnnl_memory_desc_t plain, dnnl_memory userMemory) {
        return Dnnl.same(md, plain) ? userMemory : natives.allocated(md);
    }

    /** A memory of the thread's scratch, with no buffer until {@link #bind}; null when the user memory fits as is. */
    private record Slot(dnnl_memory memory, int index, long bytes) {
    }

    private Slot slot(dnnl_memory_desc_t md, dnnl_memory_desc_t plain, int index) {
        return Dnnl.same(md, plain) ? null : new Slot(natives.user(md), index, dnnl_memory_desc_get_size(md));
    }

    private static dnnl_memory memory(Slot slot, dnnl_memory userMemory) {
        return slot == null ? userMemory : slot.memory();
    }

    private void bind(Slot slot) {
        if (slot != null) Scratch.ofThisThread().bind(slot.memory(), slot.index(), slot.bytes());
    }

    /** A reorder from one memory to another, or null when they are the same memory. */
    private Dnnl.Exec convert(dnnl_memory from, dnnl_memory_desc_t fromMd, dnnl_memory to, dnnl_memory_desc_t toMd) {
        return from == to ? null : exec(Dnnl.reorder(from, fromMd, to, toMd));
    }

    private Dnnl.Exec exec(Dnnl.Exec e) {
        return natives.exec(e);
    }

    /** Frees the primitives and the buffers oneDNN allocated; the caller's arrays are not touched. */
    @Override
    public void close() {
        cleanable.clean();
    }
}
