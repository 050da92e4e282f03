package dev.gan.step.fast;

import dev.gan.system.Backend;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BatchNormStage} (oneDNN's batch normalization primitives) against the stage it replaced, libnd4j's moments /
 * batchnorm / batchnorm_bp ({@link Libnd4jBatchNormStage}), on the same parameters, input and dLoss/dOutput: the
 * output, dLoss/dInput, the gamma and beta gradients and the running statistics' "gradients", each as
 * ||new - old|| / ||old||, within {@link DnnlConvStageTest#FP32} (1e-5). The forward pass must be the old one's bit
 * for bit (the same statistics, then the arithmetic libnd4j's batchnorm op runs too), so that a ReLU after it keeps
 * DL4J's mask; backward measured under 2e-7. Each case runs at two batch sizes one after the other, which rebuilds
 * the primitives. With oneDNN's own batch statistics (bf16 training) the stage sums in another order: within 1e-5 too,
 * the output included.
 */
class BatchNormStageTest {
    @BeforeAll
    static void init() {
        Backend.init();
    }

    @ParameterizedTest(name = "[B, {0}, {1}, {1}], log10 std {2}, locked gamma/beta {3}")
    @CsvSource({
            "16, 8, true, false",     // log10 std: GanModels' default
            "32, 4, false, false",    // variance stored as is
            "8, 16, true, true",      // conditional BatchNorm's locked first half
            "24, 0, true, false"})    // after a dense layer: [B, N]
    void matchesLibnd4jBatchNorm(int channels, int size, boolean logStd, boolean locked) {
        BatchNormalization conf = new BatchNormalization.Builder().nIn(channels).nOut(channels).useLogStd(logStd)
                .lockGammaBeta(locked).build();
        Nd4j.getRandom().setSeed(3);
        Map<String, INDArray> params = new LinkedHashMap<>();
        if (!locked) {
            params.put(BatchNormalizationParamInitializer.GAMMA, Nd4j.rand(DataType.FLOAT, 1, channels).addi(0.5));
            params.put(BatchNormalizationParamInitializer.BETA, Nd4j.randn(DataType.FLOAT, 1, channels).muli(0.1));
        }
        params.put(BatchNormalizationParamInitializer.GLOBAL_MEAN, Nd4j.randn(DataType.FLOAT, 1, channels));
        params.put(logStd ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD : BatchNormalizationParamInitializer.GLOBAL_VAR,
                Nd4j.rand(DataType.FLOAT, 1, channels).muli(logStd ? 0.5 : 2).addi(logStd ? -0.25 : 0.1));
        Map<String, INDArray> oldGrads = zeros(params), newGrads = zeros(params);
        Stage oldBn = new Libnd4jBatchNormStage(conf, params, oldGrads);
        BatchNormStage newBn = new BatchNormStage(conf, params, newGrads);
        Map<String, INDArray> ownGrads = zeros(params);
        BatchNormStage ownBn = new BatchNormStage(conf, params, ownGrads, true);

        for (int batch : new int[]{8, 3}) {
            long[] shape = size == 0 ? new long[]{batch, channels} : new long[]{batch, channels, size, size};
            INDArray x = Nd4j.randn(DataType.FLOAT, shape).muli(2).addi(0.5);
            INDArray dOut = Nd4j.randn(DataType.FLOAT, shape);
            INDArray oldY = oldBn.forward(x, null).dup();
            INDArray oldDx = oldBn.backward(dOut.dup()).dup();
            INDArray newY = newBn.forward(x, null).dup();
            INDArray newDx = newBn.backward(dOut.dup()).dup();

            Map<String, Double> err = new LinkedHashMap<>();
            err.put("output", DnnlConvStageTest.rel(newY, oldY));
            err.put("dInput", DnnlConvStageTest.rel(newDx, oldDx));
            oldGrads.forEach((key, g) -> err.put("d" + key, DnnlConvStageTest.rel(newGrads.get(key), g)));
            System.out.printf(Locale.ROOT, "BN %d ch %dx%d batch %d logStd %s locked %s: %s; %s%n", channels,
                    size, size, batch, logStd, locked, err, newBn.implementations());
            assertEquals(0.0, err.get("output"), "the forward pass is the old one's, bit for bit");
            err.forEach((what, e) -> assertTrue(e <= DnnlConvStageTest.FP32, what + ": relative error " + e));

            Map<String, Double> ownErr = new LinkedHashMap<>();
            ownErr.put("output", DnnlConvStageTest.rel(ownBn.forward(x, null).dup(), oldY));
            ownErr.put("dInput", DnnlConvStageTest.rel(ownBn.backward(dOut.dup()).dup(), oldDx));
            oldGrads.forEach((key, g) -> ownErr.put("d" + key, DnnlConvStageTest.rel(ownGrads.get(key), g)));
            System.out.printf(Locale.ROOT, "  with oneDNN's statistics: %s%n", ownErr);
            ownErr.forEach((what, e) -> assertTrue(e <= DnnlConvStageTest.FP32, "own statistics, " + what
                    + ": relative error " + e));
        }
    }

    private static Map<String, INDArray> zeros(Map<String, INDArray> params) {
        Map<String, INDArray> g = new LinkedHashMap<>();
        params.forEach((k, v) -> g.put(k, Nd4j.zeros(DataType.FLOAT, v.shape())));
        return g;
    }
}
