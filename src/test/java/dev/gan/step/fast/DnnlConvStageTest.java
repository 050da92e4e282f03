package dev.gan.step.fast;

import dev.gan.step.fast.dnnl.Dnnl;
import dev.gan.system.Backend;
import dev.gan.system.SystemInfo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DnnlConvStage} against {@link ConvStage} (libnd4j's conv2d / deconv2d and their _bp ops) on one layer with
 * the same weights, input and dLoss/dOutput: output, input gradient, weight and bias gradients, each as
 * ||dnnl - nd4j|| / ||nd4j||. In float32 the two must agree to float rounding ({@link #FP32}, 1e-5; measured up to
 * ~2e-7): that pins down the weight layouts (a deconvolution's [iC, oC, kH, kW] as oneDNN's iohw), the padding and the
 * bias. In bf16 the inputs of every product are rounded to 8 significant bits (relative error up to 2^-9 each) and the
 * sums stay float32, which measured 2e-3..3e-3 here: {@link #BF16} (1e-2) is the documented tolerance of
 * training.precision bf16, while a wrong layout or a dropped bias is off by O(1).
 */
class DnnlConvStageTest {
    static final double FP32 = 1e-5, BF16 = 1e-2;

    @BeforeAll
    static void init() {
        Backend.init();
    }

    /** Whether this CPU runs oneDNN's bf16 kernels: the bf16 checks are skipped (not failed) where it does not. */
    static void assumeBf16() {
        Assumptions.assumeFalse(SystemInfo.bf16(SystemInfo.cpuIsa()).isEmpty(), "no avx512_bf16 or amx_bf16 on this CPU");
        Assumptions.assumeTrue(Dnnl.bf16Isa() != null, "oneDNN does not dispatch to bf16 instructions here");
    }

    @ParameterizedTest(name = "{0} {1}->{2} k{3} s{4} p{5} on {6}x{6}, bias {7}")
    @CsvSource({
            "conv,   3,  8, 4, 2, 1, 16, true",    // D's first layer (RGB)
            "conv,   1,  8, 4, 2, 1, 28, true",    // D's first layer (greyscale)
            "conv,   8, 16, 4, 2, 1,  8, false",   // D's inner layers (before BatchNorm)
            "conv,  16, 16, 3, 1, 1,  8, true",    // a ResNet 3x3
            "conv,   8,  8, 4, 2, 1,  7, false",   // truncating: 7 + 2 - 4 is odd
            "deconv, 16, 8, 4, 1, 0,  1, false",   // G's projection of the noise (1x1 -> 4x4)
            "deconv, 16, 8, 4, 2, 1,  4, false",   // G's inner layers
            "deconv,  8, 16, 4, 2, 1,  4, true",   // G's inner layers without BatchNorm (bias added after oneDNN)
            "deconv,  8, 3, 4, 2, 1,  8, true",    // G's last layer (RGB, with bias)
            "deconv,  8, 1, 4, 2, 1, 14, true"})   // G's last layer (greyscale)
    void dnnlStageMatchesLibnd4jConvolutions(String kind, int in, int out, int k, int s, int p, int size, boolean bias) {
        ConvolutionLayer conf = ("deconv".equals(kind) ? new Deconvolution2D.Builder(k, k) : new ConvolutionLayer.Builder(k, k))
                .stride(s, s).padding(p, p).nIn(in).nOut(out).hasBias(bias).build();
        boolean transposed = conf instanceof Deconvolution2D;
        Nd4j.getRandom().setSeed(5);
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("W", Nd4j.randn(DataType.FLOAT, transposed ? new long[]{in, out, k, k} : new long[]{out, in, k, k})
                .muli(1 / Math.sqrt(in * k * k)));
        if (bias) params.put("b", Nd4j.randn(DataType.FLOAT, 1, out));
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, in, size, size);

        Result ref = run(new ConvStage(conf, params, grads(params), identity()), x, null);
        Result fp32 = run(new DnnlConvStage(conf, params, grads(params), identity(), false), x, ref.z);
        Map<String, Double> errFp32 = fp32.errors(ref);
        System.out.printf(Locale.ROOT, "%s %d->%d k%d s%d p%d %dx%d: fp32 %s%n", kind, in, out, k, s, p, size, size, errFp32);
        errFp32.forEach((what, err) -> assertTrue(err <= FP32, "fp32 " + what + ": relative error " + err));

        assumeBf16();
        DnnlConvStage bf16Stage = new DnnlConvStage(conf, params, grads(params), identity(), true);
        Result bf16 = run(bf16Stage, x, ref.z);
        Map<String, Double> errBf16 = bf16.errors(ref);
        System.out.printf(Locale.ROOT, "    bf16 %s; %s%n", errBf16, bf16Stage.implementations());
        errBf16.forEach((what, err) -> assertTrue(err <= BF16, "bf16 " + what + ": relative error " + err));
        assertTrue(bf16Stage.implementations().contains("bf16"), bf16Stage.implementations());

        // the pass whose input gradient nothing reads: same parameter gradients, no input gradient
        INDArray dOut = Nd4j.randn(DataType.FLOAT, ref.z.shape());
        Map<String, INDArray> skipped = grads(params), full = grads(params);
        DnnlConvStage a = new DnnlConvStage(conf, params, skipped, identity(), true);
        DnnlConvStage b = new DnnlConvStage(conf, params, full, identity(), true);
        a.forward(x, null);
        b.forward(x, null);
        assertNull(a.backward(dOut.dup(), false));
        b.backward(dOut.dup());
        full.forEach((key, g) -> assertEquals(g, skipped.get(key), key));
    }

    /**
     * The ResNets' 3x3 convolutions, for which oneDNN picks Winograd in float32: still libnd4j's numbers within
     * {@link #FP32}, forward and backward; and on an AVX-512 CPU Winograd did run, else these cases would only repeat
     * the direct ones.
     */
    @ParameterizedTest(name = "conv {0}->{0} k3 s1 p1 on {1}x{1}, batch {2}")
    @CsvSource({"64, 16, 16", "64, 32, 16", "32, 8, 64"})
    void winogradConvolutionsMatchLibnd4j(int channels, int size, int batch) {
        ConvolutionLayer conf = new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).nIn(channels)
                .nOut(channels).hasBias(true).build();
        Nd4j.getRandom().setSeed(6);
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("W", Nd4j.randn(DataType.FLOAT, channels, channels, 3, 3).muli(1 / Math.sqrt(9.0 * channels)));
        params.put("b", Nd4j.randn(DataType.FLOAT, 1, channels));
        INDArray x = Nd4j.randn(DataType.FLOAT, batch, channels, size, size);

        Result ref = run(new ConvStage(conf, params, grads(params), identity()), x, null);
        DnnlConvStage stage = new DnnlConvStage(conf, params, grads(params), identity(), false);
        Map<String, Double> err = run(stage, x, ref.z).errors(ref);
        System.out.printf(Locale.ROOT, "winograd %d ch %dx%d batch %d: %s; %s%n", channels, size, size, batch, err,
                stage.implementations());
        // oneDNN 2.5's only float32 Winograd kernels are for AVX-512
        if (SystemInfo.cpuIsa().contains("avx512f")) {
            assertTrue(stage.implementations().startsWith("forward jit_wino"), stage.implementations());
        }
        err.forEach((what, e) -> assertTrue(e <= FP32, what + ": relative error " + e));
    }

    private record Result(INDArray z, INDArray gx, Map<String, INDArray> grads) {
        Map<String, Double> errors(Result ref) {
            Map<String, Double> e = new LinkedHashMap<>();
            e.put("output", rel(z, ref.z));
            e.put("dInput", rel(gx, ref.gx));
            ref.grads.forEach((k, v) -> e.put("d" + k, rel(grads.get(k), v)));
            return e;
        }
    }

    /** Forward and backward once; dLoss/dOutput is fixed by the seed (its shape is the reference output's). */
    private static Result run(Stage stage, INDArray x, INDArray refZ) {
        INDArray z = stage.forward(x, null).dup();
        if (refZ != null) assertEquals(Arrays.toString(refZ.shape()), Arrays.toString(z.shape()));
        Nd4j.getRandom().setSeed(9);
        INDArray gx = stage.backward(Nd4j.randn(DataType.FLOAT, z.shape())).dup();
        return new Result(z, gx, lastGrads);
    }

    private static Map<String, INDArray> lastGrads;

    private static Map<String, INDArray> grads(Map<String, INDArray> params) {
        Map<String, INDArray> g = new LinkedHashMap<>();
        params.forEach((k, v) -> g.put(k, Nd4j.zeros(DataType.FLOAT, v.shape())));
        lastGrads = g;
        return g;
    }

    private static Nonlinearity identity() {
        return Nonlinearity.of(new ActivationIdentity());
    }

    static double rel(INDArray actual, INDArray expected) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()));
        return actual.sub(expected).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
    }
}
