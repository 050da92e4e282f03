package dev.gan.step.fast;

import dev.gan.system.Backend;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two convolutions in a row ({@link DnnlConvStage#readsFrom}), the first with a leaky ReLU, as D's first two layers:
 * with the output between them left in the first primitive's blocked layout, the second's output, the input gradient
 * and every parameter gradient are the same bit for bit as with NCHW between them; a first layer whose channels would
 * need padding stays NCHW. In bf16, a convolution, BatchNorm, a leaky ReLU and a convolution: the blocked layout
 * through the middle two, and a ReLU fused into BatchNorm, give the unchained numbers up to BatchNorm's order of
 * summation.
 */
class ChainedConvStagesTest {
    @BeforeAll
    static void init() {
        Backend.init();
    }

    @ParameterizedTest(name = "{0} channels between")
    @ValueSource(ints = {32, 24})
    void blockedLayoutBetweenConvolutionsChangesNoNumber(int width) {
        ConvolutionLayer first = conv(3, width, true), second = conv(width, 16, false);
        Nd4j.getRandom().setSeed(11);
        Map<String, INDArray> p1 = params(first), p2 = params(second);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 16, 16), dOut = Nd4j.randn(DataType.FLOAT, 4, 16, 4, 4);

        Map<String, INDArray> plainGrads1 = grads(p1), plainGrads2 = grads(p2);
        DnnlConvStage a = stage(first, p1, plainGrads1, 0.2), b = stage(second, p2, plainGrads2, 0);
        INDArray plainOut = b.forward(a.forward(x, null), null).dup();
        INDArray plainDx = a.backward(b.backward(dOut.dup())).dup();

        Map<String, INDArray> grads1 = grads(p1), grads2 = grads(p2);
        DnnlConvStage c = stage(first, p1, grads1, 0.2), d = stage(second, p2, grads2, 0);
        d.readsFrom(c);
        for (int pass = 0; pass < 2; pass++) {
            INDArray out = d.forward(c.forward(x, null), null).dup();
            INDArray dx = c.backward(d.backward(dOut.dup())).dup();
            assertArrayEquals(flat(plainOut), flat(out), "output");
            assertArrayEquals(flat(plainDx), flat(dx), "input gradient");
            plainGrads1.forEach((k, g) -> assertArrayEquals(flat(g), flat(grads1.get(k)), "1 " + k));
            plainGrads2.forEach((k, g) -> assertArrayEquals(flat(g), flat(grads2.get(k)), "2 " + k));
        }
        assertFalse(a.blockedOutput());
        // oneDNN blocks channels by 16 on AVX-512 (8 on AVX2): 24 would be padded there, and then stays NCHW
        if (width == 32) assertTrue(c.blockedOutput(), "32 channels fill oneDNN's blocks");
        if (c.blockedOutput()) assertEquals(0, width % 8);
    }

    /**
     * Without parameter gradients ({@link Stage#parameterGradients}) the pair gives the same input gradient bit for
     * bit - its convolutions convert dLoss/dOutput themselves then - and leaves the parameter gradients alone.
     */
    @ParameterizedTest(name = "{0} channels between")
    @ValueSource(ints = {32, 24})
    void inputGradientWithoutParameterGradients(int width) {
        ConvolutionLayer first = conv(3, width, true), second = conv(width, 16, false);
        Nd4j.getRandom().setSeed(12);
        Map<String, INDArray> p1 = params(first), p2 = params(second);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 16, 16), dOut = Nd4j.randn(DataType.FLOAT, 4, 16, 4, 4);
        Map<String, INDArray> grads1 = grads(p1), grads2 = grads(p2);
        DnnlConvStage a = stage(first, p1, grads1, 0.2), b = stage(second, p2, grads2, 0);
        b.readsFrom(a);
        b.forward(a.forward(x, null), null);
        INDArray full = a.backward(b.backward(dOut.dup())).dup();
        float[] w1 = flat(grads1.get("W")), w2 = flat(grads2.get("W"));
        grads1.get("W").assign(7);
        a.parameterGradients(false);
        b.parameterGradients(false);
        b.forward(a.forward(x, null), null);
        INDArray only = a.backward(b.backward(dOut.dup())).dup();
        assertArrayEquals(flat(full), flat(only), "input gradient");
        assertTrue(grads1.get("W").minNumber().doubleValue() == 7, "no weight gradient written");
        a.parameterGradients(true);
        b.parameterGradients(true);
        b.forward(a.forward(x, null), null);
        a.backward(b.backward(dOut.dup()));
        assertArrayEquals(w1, flat(grads1.get("W")), "weight gradients again");
        assertArrayEquals(w2, flat(grads2.get("W")), "weight gradients again");
    }

    @ParameterizedTest(name = "{0} channels between, ReLU {1}")
    @CsvSource({"32, false", "24, false", "32, true"})
    void blockedLayoutThroughBatchNormInBf16(int width, boolean relu) {
        DnnlConvStageTest.assumeBf16();
        ConvolutionLayer first = conv(3, width, false), second = conv(width, 16, false);
        BatchNormalization norm = new BatchNormalization.Builder().nIn(width).nOut(width).build();
        Nd4j.getRandom().setSeed(13);
        Map<String, INDArray> p1 = params(first), p2 = params(second), pn = new LinkedHashMap<>();
        pn.put(BatchNormalizationParamInitializer.GAMMA, Nd4j.rand(DataType.FLOAT, 1, width).addi(0.5));
        pn.put(BatchNormalizationParamInitializer.BETA, Nd4j.randn(DataType.FLOAT, 1, width).muli(0.1));
        pn.put(BatchNormalizationParamInitializer.GLOBAL_MEAN, Nd4j.zeros(DataType.FLOAT, 1, width));
        pn.put(BatchNormalizationParamInitializer.GLOBAL_LOG_STD, Nd4j.zeros(DataType.FLOAT, 1, width));
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 16, 16), dOut = Nd4j.randn(DataType.FLOAT, 4, 16, 4, 4);
        Chained plain = chain(first, norm, second, p1, pn, p2, x, dOut, relu, false);
        Chained blocked = chain(first, norm, second, p1, pn, p2, x, dOut, relu, true);
        plain.arrays().forEach((what, a) -> {
            double err = DnnlConvStageTest.rel(blocked.arrays().get(what), a);
            assertTrue(err <= DnnlConvStageTest.FP32, what + ": relative error " + err);
        });
        assertFalse(plain.blocked());
        assertEquals(width == 32, blocked.blocked(), "32 channels fill oneDNN's blocks, 24 stay NCHW");
    }

    /** Outputs and gradients by name, and whether the first convolution left its output blocked. */
    private record Chained(Map<String, INDArray> arrays, boolean blocked) {
    }

    /**
     * Forward and backward (twice) through conv, BatchNorm, a leaky ReLU or a ReLU, conv in bf16; linked, the
     * BatchNorm reads the blocked layout and applies a ReLU itself.
     */
    private static Chained chain(ConvolutionLayer first, BatchNormalization norm, ConvolutionLayer second,
                                 Map<String, INDArray> p1, Map<String, INDArray> pn, Map<String, INDArray> p2,
                                 INDArray x, INDArray dOut, boolean relu, boolean linked) {
        Map<String, INDArray> g1 = grads(p1), gn = grads(pn), g2 = grads(p2);
        DnnlConvStage a = new DnnlConvStage(first, p1, g1, Nonlinearity.of(new ActivationIdentity()), true);
        BatchNormStage bn = new BatchNormStage(norm, pn, gn, true);
        ActivationStage f = new ActivationStage(Nonlinearity.of(relu ? new ActivationReLU() : new ActivationLReLU(0.2)),
                true);
        DnnlConvStage b = new DnnlConvStage(second, p2, g2, Nonlinearity.of(new ActivationIdentity()), true);
        if (linked) {
            bn.readsFrom(a);
            b.readsFrom(a);
            if (relu) {
                bn.fuseRelu();
                f.fusedBefore();
            }
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int pass = 0; pass < 2; pass++) {
            out.put("output", b.forward(f.forward(bn.forward(a.forward(x, null), null), null), null).dup());
            out.put("input gradient", a.backward(bn.backward(f.backward(b.backward(dOut.dup())))).dup());
        }
        g1.forEach((k, g) -> out.put("conv 1 " + k, g));
        gn.forEach((k, g) -> out.put("norm " + k, g));
        g2.forEach((k, g) -> out.put("conv 2 " + k, g));
        return new Chained(out, a.blockedOutput());
    }

    private static float[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }

    private static ConvolutionLayer conv(int in, int out, boolean bias) {
        return new ConvolutionLayer.Builder(4, 4).stride(2, 2).padding(1, 1).nIn(in).nOut(out).hasBias(bias).build();
    }

    private static DnnlConvStage stage(ConvolutionLayer conf, Map<String, INDArray> params, Map<String, INDArray> grads,
                                       double alpha) {
        Nonlinearity f = Nonlinearity.of(alpha == 0 ? new ActivationIdentity() : new ActivationLReLU(alpha));
        return new DnnlConvStage(conf, params, grads, f, false);
    }

    private static Map<String, INDArray> params(ConvolutionLayer conf) {
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("W", Nd4j.randn(DataType.FLOAT, conf.getNOut(), conf.getNIn(), 4, 4).muli(0.2));
        if (conf.hasBias()) p.put("b", Nd4j.randn(DataType.FLOAT, 1, conf.getNOut()));
        return p;
    }

    private static Map<String, INDArray> grads(Map<String, INDArray> params) {
        Map<String, INDArray> g = new LinkedHashMap<>();
        params.forEach((k, v) -> g.put(k, Nd4j.zeros(DataType.FLOAT, v.shape())));
        return g;
    }
}
