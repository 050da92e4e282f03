package dev.gan.step.fast;

import dev.gan.system.Backend;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * A convolution told that its weights are unchanged ({@link Stage#sameWeights}) reuses their converted copies: its
 * output, input gradient and weight gradient on a new input are bit for bit those of a fresh stage; and once told
 * otherwise, a forward pass picks up weights changed in place.
 */
class SameWeightsTest {
    @BeforeAll
    static void init() {
        Backend.init();
    }

    @ParameterizedTest(name = "deconvolution {0}, bf16 {1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void reusedWeightsGiveAFreshStagesNumbers(boolean transposed, boolean bf16) {
        if (bf16) DnnlConvStageTest.assumeBf16();
        ConvolutionLayer conf = transposed
                ? new Deconvolution2D.Builder(4, 4).stride(2, 2).padding(1, 1).nIn(32).nOut(16).hasBias(false).build()
                : new ConvolutionLayer.Builder(4, 4).stride(2, 2).padding(1, 1).nIn(32).nOut(16).hasBias(false).build();
        Nd4j.getRandom().setSeed(5);
        INDArray w = transposed ? Nd4j.randn(DataType.FLOAT, 32, 16, 4, 4) : Nd4j.randn(DataType.FLOAT, 16, 32, 4, 4);
        INDArray x1 = Nd4j.randn(DataType.FLOAT, 2, 32, 8, 8), x2 = Nd4j.randn(DataType.FLOAT, 2, 32, 8, 8);
        Map<String, INDArray> params = new LinkedHashMap<>(Map.of("W", w));
        Conv reusing = new Conv(conf, params, bf16);
        reusing.pass(x1);
        reusing.stage.sameWeights(true);
        assertSame(new Conv(conf, params, bf16).pass(x2), reusing.pass(x2));

        w.muli(-0.5);   // as an update would, in place
        reusing.stage.sameWeights(false);
        assertSame(new Conv(conf, params, bf16).pass(x2), reusing.pass(x2));
        reusing.stage.sameWeights(true);
        assertSame(new Conv(conf, params, bf16).pass(x1), reusing.pass(x1));
    }

    /** A stage and its weight gradient array. */
    private record Conv(DnnlConvStage stage, INDArray weightGrad) {
        Conv(ConvolutionLayer conf, Map<String, INDArray> params, boolean bf16) {
            this(conf, params, Nd4j.zeros(DataType.FLOAT, params.get("W").shape()), bf16);
        }

        private Conv(ConvolutionLayer conf, Map<String, INDArray> params, INDArray weightGrad, boolean bf16) {
            this(new DnnlConvStage(conf, params, new LinkedHashMap<>(Map.of("W", weightGrad)),
                    Nonlinearity.of(new ActivationIdentity()), bf16), weightGrad);
        }

        /** Output, input gradient and weight gradient of one forward and backward pass. */
        List<float[]> pass(INDArray x) {
            INDArray z = stage.forward(x, null).dup();
            Nd4j.getRandom().setSeed(9);
            INDArray dx = stage.backward(Nd4j.randn(DataType.FLOAT, z.shape())).dup();
            return List.of(flat(z), flat(dx), flat(weightGrad));
        }
    }

    private static void assertSame(List<float[]> expected, List<float[]> actual) {
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), "array " + i);
    }

    private static float[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }
}
