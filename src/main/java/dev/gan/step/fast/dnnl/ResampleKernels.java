package dev.gan.step.fast.dnnl;

import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_pooling_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Cleaner;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * The ResNets' resampling by 2 on plain NCHW float32 arrays of one shape, as oneDNN primitives: 2x2 average pooling
 * with stride 2 (each output is its square's mean; backprop spreads a quarter of each gradient over its square) or
 * nearest-neighbour upsampling (each value fills a 2x2 square; backprop sums each square). Arrays are read and written
 * in place, by address. Both give ND4J's numbers bit for bit (measured); on ResNet-32's arrays pooling is 3-5x faster
 * than ND4J's reductions and assignments through views, upsampling's backward pass 8x, its forward pass as fast.
 *
 * <p>Upsampling is built from the pooling primitives, because oneDNN 2.5's own resampling kernel for these arrays
 * crashed the JVM (jit:avx512_core_bf16 on plain f32) and the next one took 275 ms for 64 x 256 x 16 x 16: its forward
 * pass is 4x pooling's backward pass (a quarter of 4x, spread), its backward pass 4x pooling's forward pass (a post-op
 * on the mean); multiplying by 4 and by a quarter is exact in binary floating point.
 */
public final class ResampleKernels implements AutoCloseable {
    private static final long[] TWO = {2, 2}, NONE = {0, 0};

    private final Natives natives = new Natives();
    private final Cleaner.Cleanable cleanable = natives.freeWith(this);
    /** Memories over the caller's arrays: the large grid's and the small one's. */
    private final dnnl_memory large, small;
    /** Upsampling: 4x its input, which the pooling's backward pass then spreads. */
    private final Dnnl.Exec quadruple;
    private final Dnnl.Exec forward, backward;
    private final boolean upsample;

    /**
     * @param input    [B, C, H, W] of the layer's input
     * @param upsample nearest upsampling to [B, C, 2H, 2W]; else average pooling to [B, C, H/2, W/2] (H, W even)
     */
    public ResampleKernels(long[] input, boolean upsample) {
        this.upsample = upsample;
        long[] largeDims = input.clone(), smallDims = input.clone();
        for (int d = 2; d < 4; d++) {
            if (upsample) largeDims[d] = 2 * input[d];
            else smallDims[d] = input[d] / 2;
        }
        dnnl_memory_desc_t l = Dnnl.md(largeDims, dnnl_f32, dnnl_nchw), s = Dnnl.md(smallDims, dnnl_f32, dnnl_nchw);
        dnnl_pooling_desc_t f = new dnnl_pooling_desc_t(), b = new dnnl_pooling_desc_t();
        Dnnl.check(dnnl_pooling_forward_desc_init(f, dnnl_forward_training, dnnl_pooling_avg_exclude_padding, l, s, TWO,
                TWO, NONE, NONE), "pooling forward");
        Dnnl.check(dnnl_pooling_backward_desc_init(b, dnnl_pooling_avg_exclude_padding, l, s, TWO, TWO, NONE, NONE),
                "pooling backward");
        dnnl_primitive_desc pool = Dnnl.primitiveDesc(f, null, "pooling forward");
        dnnl_primitive_desc spread = Dnnl.primitiveDesc(b, pool, "pooling backward");
        large = natives.user(l);
        small = natives.user(s);
        if (!upsample) {
            forward = natives.exec(new Dnnl.Exec(pool, DNNL_ARG_SRC, large, DNNL_ARG_DST, small));
            backward = natives.exec(new Dnnl.Exec(spread, DNNL_ARG_DIFF_DST, small, DNNL_ARG_DIFF_SRC, large));
            quadruple = null;
            return;
        }
        natives.desc(pool);   // only the hint of the pooling's backward pass: kept as long as that
        dnnl_memory quadrupled = natives.allocated(s);
        dnnl_eltwise_desc_t times4 = new dnnl_eltwise_desc_t();
        Dnnl.check(dnnl_eltwise_forward_desc_init(times4, dnnl_forward_inference, dnnl_eltwise_linear, s, 4f, 0f),
                "eltwise linear");
        quadruple = natives.exec(new Dnnl.Exec(Dnnl.primitiveDesc(times4, null, "eltwise linear"),
                DNNL_ARG_SRC, small, DNNL_ARG_DST, quadrupled));
        forward = natives.exec(new Dnnl.Exec(spread, DNNL_ARG_DIFF_DST, quadrupled, DNNL_ARG_DIFF_SRC, large));
        dnnl_primitive_attr sum = Dnnl.scaledOutput(4f);
        dnnl_primitive_desc sums = Dnnl.primitiveDesc(f, sum, null, "pooling forward, x4");
        dnnl_primitive_attr_destroy(sum);   // the primitive descriptor keeps a copy
        backward = natives.exec(new Dnnl.Exec(sums, DNNL_ARG_SRC, large, DNNL_ARG_DST, small));
    }

    public void forward(INDArray x, INDArray y) {
        Dnnl.point(upsample ? small : large, x);
        Dnnl.point(upsample ? large : small, y);
        if (quadruple != null) quadruple.run(natives.stream);
        forward.run(natives.stream);
    }

    /** dLoss/dx from dLoss/dy. */
    public void backward(INDArray gradOut, INDArray gradIn) {
        Dnnl.point(upsample ? large : small, gradOut);
        Dnnl.point(upsample ? small : large, gradIn);
        backward.run(natives.stream);
    }

    /** oneDNN's names of the primitives: for tests and checks. */
    public String implementations() {
        return "forward " + forward.implementation + ", backward " + backward.implementation;
    }

    /** Frees the primitives; the caller's arrays are not touched. */
    @Override
    public void close() {
        cleanable.clean();
    }
}
