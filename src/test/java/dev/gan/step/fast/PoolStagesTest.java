package dev.gan.step.fast;

import dev.gan.system.Backend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The resampling stages on oneDNN's pooling primitives against the same arithmetic in ND4J, bit for bit: upsampling
 * repeats each value over its 2x2 square and sums each square back; average pooling takes each square's mean and
 * spreads a quarter of each gradient back. Each case runs at two batch sizes one after the other, which rebuilds the
 * primitives.
 */
class PoolStagesTest {
    @BeforeAll
    static void init() {
        Backend.init();
    }

    @ParameterizedTest(name = "{0} channels, {1}x{1}")
    @CsvSource({"3, 4", "16, 8", "32, 16"})
    void upsamplingAndPoolingMatchNd4j(int channels, int size) {
        Nd4j.getRandom().setSeed(4);
        Stage up = new PoolStages.Upsample(), pool = new PoolStages.AvgPool();
        for (int b : new int[]{4, 2}) {
            INDArray x = Nd4j.randn(DataType.FLOAT, b, channels, size, size);
            INDArray dUp = Nd4j.randn(DataType.FLOAT, b, channels, 2 * size, 2 * size);
            exact(x.repeat(2, 2).repeat(3, 2), up.forward(x, null), "upsampled");
            exact(squares(dUp, size).sum(3, 5), up.backward(dUp), "upsampling's input gradient");

            INDArray big = Nd4j.randn(DataType.FLOAT, b, channels, 2 * size, 2 * size);
            INDArray dPool = Nd4j.randn(DataType.FLOAT, b, channels, size, size);
            exact(squares(big, size).mean(3, 5), pool.forward(big, null), "pooled");
            exact(dPool.mul(0.25).repeat(2, 2).repeat(3, 2), pool.backward(dPool), "pooling's input gradient");
        }
    }

    /** INDArray.equals allows 1e-5: this allows nothing. */
    private static void exact(INDArray expected, INDArray actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        assertEquals(0.0, actual.sub(expected).amaxNumber().doubleValue(), what);
    }

    /** [B, C, 2S, 2S] as [B, C, S, 2, S, 2]: each 2x2 square along dimensions 3 and 5. */
    private static INDArray squares(INDArray a, int size) {
        return a.reshape('c', a.size(0), a.size(1), size, 2, size, 2);
    }
}
