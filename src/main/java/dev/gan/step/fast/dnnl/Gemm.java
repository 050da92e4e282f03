package dev.gan.step.fast.dnnl;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.dnnl_sgemm;

/**
 * Row-major float32 matrix products, C = op(A) op(B) + beta C, as oneDNN's sgemm on the arrays' data in place: no
 * primitive to build or keep, nothing copied. libnd4j's matmul (Nd4j.gemm) took 0.8-1.1 ms for the products of
 * DCGAN-28's first generator layer (64 x 100 by 100 x 6272 and its weight gradient, 2 threads, warm caches) against
 * 0.5-0.6 here; inside the step it took 0.3 ms for D's last layer (64 x 6272 by 6272 x 1, 0.8 MFLOP), against 0.07
 * here for the whole layer, bias included: the op's overhead, not its arithmetic.
 */
public final class Gemm {
    private Gemm() {
    }

    /**
     * C[m, n] = op(A)[m, k] op(B)[k, n] + beta C, every matrix row-major and dense ({@link Dnnl#plain}); op(X) is X
     * or, with {@code transX}, its transpose. A is stored [m, k] or, transposed, [k, m] (likewise B [k, n] or
     * [n, k]).
     */
    public static void multiply(boolean transA, boolean transB, long m, long n, long k, INDArray a, INDArray b,
                                float beta, INDArray c) {
        check(a, m * k);
        check(b, k * n);
        check(c, m * n);
        Dnnl.check(dnnl_sgemm((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), m, n, k, 1f, pointer(a),
                transA ? m : k, pointer(b), transB ? k : n, beta, pointer(c), n), "sgemm");
    }

    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }

    private static void check(INDArray a, long length) {
        if (!Dnnl.plain(a) || a.length() != length) {
            throw new IllegalStateException("not a plain array of " + length + " floats: " + a.shapeInfoToString());
        }
    }
}
