package dev.gan.step.fast.dnnl;

import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Cleaner;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * (Leaky) ReLU, y = z for z > 0 and alpha z elsewhere, on float32 arrays of one length in any layout, as oneDNN's
 * eltwise primitives: the forward pass in place, the backward pass from the output (y > 0 exactly where z > 0, for
 * alpha >= 0), dLoss/dz = dLoss/dy where y > 0 and alpha dLoss/dy elsewhere. Each is one pass over the data: the
 * libnd4j ops this replaces took three for the forward pass (a step mask, its floor at alpha, the product), at ~0.5 ms
 * for DCGAN-28's 64 x 64 x 14 x 14 at 1 thread against 0.1. The products are the same single float multiplications by
 * (float) alpha, so the numbers are the same bit for bit.
 */
public final class RectifierKernels implements AutoCloseable {
    private final Natives natives = new Natives();
    private final Cleaner.Cleanable cleanable = natives.freeWith(this);
    private final dnnl_memory data, diffDst, diffSrc;
    private final Dnnl.Exec forward, backward;

    /** @param length the arrays' number of elements */
    public RectifierKernels(long length, double alpha) {
        dnnl_memory_desc_t md = Dnnl.md(new long[]{length}, dnnl_f32, dnnl_a);
        int kind = dnnl_eltwise_relu_use_dst_for_bwd;
        dnnl_eltwise_desc_t f = new dnnl_eltwise_desc_t(), b = new dnnl_eltwise_desc_t();
        Dnnl.check(dnnl_eltwise_forward_desc_init(f, dnnl_forward_training, kind, md, (float) alpha, 0f),
                "eltwise relu forward");
        Dnnl.check(dnnl_eltwise_backward_desc_init(b, kind, md, md, (float) alpha, 0f), "eltwise relu backward");
        dnnl_primitive_desc pf = Dnnl.primitiveDesc(f, null, "eltwise relu forward");
        dnnl_primitive_desc pb = Dnnl.primitiveDesc(b, pf, "eltwise relu backward");
        data = natives.user(md);
        diffDst = natives.user(md);
        diffSrc = natives.user(md);
        forward = natives.exec(new Dnnl.Exec(pf, DNNL_ARG_SRC, data, DNNL_ARG_DST, data));
        backward = natives.exec(new Dnnl.Exec(pb, DNNL_ARG_DST, data, DNNL_ARG_DIFF_DST, diffDst,
                DNNL_ARG_DIFF_SRC, diffSrc));
    }

    /** z becomes f(z), in place. */
    public void forward(INDArray z) {
        Dnnl.point(data, z);
        forward.run(natives.stream);
    }

    /** dLoss/dz into {@code gradIn}, from the forward pass's output {@code y} (unchanged since) and dLoss/dy. */
    public void backward(INDArray y, INDArray gradOut, INDArray gradIn) {
        Dnnl.point(data, y);
        Dnnl.point(diffDst, gradOut);
        Dnnl.point(diffSrc, gradIn);
        backward.run(natives.stream);
    }

    /** oneDNN's names of the two primitives: for tests and checks. */
    public String implementations() {
        return "forward " + forward.implementation + ", backward " + backward.implementation;
    }

    /** Frees the primitives; the caller's arrays are not touched. */
    @Override
    public void close() {
        cleanable.clean();
    }
}
