package dev.gan.system;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The machine's limit for a step of conv/deconv/dense layers: the rate of an n x n x n matrix product, measured in
 * this process with the OpenMP threads the training step has, through libnd4j's {@code matmul} op - oneDNN's matmul
 * in the -onednn builds, the library the step's convolutions run on (measured: DNNL_VERBOSE shows
 * {@code matmul,gemm:jit} for both types). Not {@code Nd4j.gemm}: that is OpenBLAS's gemm wherever oneDNN does not
 * take it, and {@link Backend#init} holds OpenBLAS to one thread. A step's rate divided by this is how far it stands
 * from what the machine can do, a figure steadier across sessions than a step time.
 *
 * @param fp32GflopS float32 inputs and output
 * @param bf16GflopS bfloat16 inputs and output (the op refuses bf16 inputs with a float32 output), or NaN where the
 *                   CPU has no bf16 arithmetic ({@link SystemInfo#bf16}) or the op failed
 * @param size       n
 * @param bf16Isa    the CPU's flags that give bf16 arithmetic, empty when none
 */
public record MatmulPeak(double fp32GflopS, double bf16GflopS, int size, List<String> bf16Isa) {
    /** 2048^3 (17 GFLOP): long enough to reach the kernel's steady rate, short enough for a few seconds in all. */
    public static final int SIZE = 2048;
    /** Timed products after one warm-up product; the best counts, because another process only ever slows one. */
    public static final int TIMED = 3;

    /** Measures both rates on this machine (about 1 s at 2 threads on a 2-core AVX-512 CPU). */
    public static MatmulPeak measure() {
        Backend.init();
        List<String> bf16Isa = SystemInfo.bf16(SystemInfo.cpuIsa());
        double fp32 = rate(DataType.FLOAT, SIZE);
        double bf16 = Double.NaN;
        // a CUDA build would run the op on the GPU, whose bf16 rate the CPU's flags say nothing about
        if (!bf16Isa.isEmpty() && !Backend.classifier().startsWith("cuda-")) {
            try {
                bf16 = rate(DataType.BFLOAT16, SIZE);
            } catch (RuntimeException e) {
                // a native build without bf16 matmul: the bf16 figure is an extra, not a reason to fail the bench
                bf16 = Double.NaN;
            }
        }
        return new MatmulPeak(fp32, bf16, SIZE, bf16Isa);
    }

    /** GFLOP/s of the best of {@link #TIMED} n^3 products of {@code type} after one untimed one. */
    static double rate(DataType type, int n) {
        try (INDArray a = random(type, n); INDArray b = random(type, n); INDArray c = Nd4j.create(type, n, n)) {
            double best = Double.MAX_VALUE;
            for (int i = 0; i <= TIMED; i++) {
                long t0 = System.nanoTime();
                Nd4j.exec(new Mmul(a, b, c, MMulTranspose.allFalse()));
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (i > 0) best = Math.min(best, seconds);
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    /** Uniform values in [0, 1): no zeros or denormals for a kernel to take a shortcut on. */
    private static INDArray random(DataType type, int n) {
        INDArray values = Nd4j.rand(DataType.FLOAT, n, n);
        if (type == DataType.FLOAT) return values;
        // the float32 original is 16 MB of native memory that the collector would free only some time later
        try (values) {
            return values.castTo(type);
        }
    }
}
