package dev.gan.step.fast;

import dev.gan.system.Backend;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@link RunningStatistics} against the running-statistics "gradients" computed as ND4J ops in the order of
 * BatchNormalization.backpropGradient (M2.1), bit for bit: the mean's, and the variance's or log10 std's.
 */
class RunningStatisticsTest {
    private static final int C = 37;

    @BeforeAll
    static void init() {
        Backend.init();
    }

    @ParameterizedTest(name = "log10 std {0}")
    @ValueSource(booleans = {true, false})
    void matchesDl4jsOpsBitForBit(boolean logStd) {
        BatchNormalization conf = new BatchNormalization.Builder().nIn(C).nOut(C).useLogStd(logStd).decay(0.9).build();
        String spread = logStd ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                : BatchNormalizationParamInitializer.GLOBAL_VAR;
        Nd4j.getRandom().setSeed(5);
        Map<String, INDArray> params = new HashMap<>(), grads = new HashMap<>();
        params.put(BatchNormalizationParamInitializer.GLOBAL_MEAN, Nd4j.randn(DataType.FLOAT, 1, C));
        params.put(spread, Nd4j.rand(DataType.FLOAT, 1, C).muli(logStd ? 2 : 3).addi(logStd ? -1 : 0.01));
        grads.put(BatchNormalizationParamInitializer.GLOBAL_MEAN, Nd4j.create(DataType.FLOAT, 1, C));
        grads.put(spread, Nd4j.create(DataType.FLOAT, 1, C));
        INDArray mean = Nd4j.randn(DataType.FLOAT, C), var = Nd4j.rand(DataType.FLOAT, C).muli(4).addi(1e-3);

        new RunningStatistics(conf, params, grads).update(mean, var);

        double decay = conf.getDecay();
        INDArray globalMean = params.get(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(C);
        INDArray globalSpread = params.get(spread).reshape(C);
        INDArray meanDelta = Nd4j.create(DataType.FLOAT, C), spreadDelta = Nd4j.create(DataType.FLOAT, C);
        Nd4j.exec(new SubOp(globalMean, mean, meanDelta));
        meanDelta.muli(1 - decay);
        if (logStd) {
            INDArray vari = Nd4j.valueArrayOf(new long[]{C}, 10.0, DataType.FLOAT);
            Transforms.pow(vari, globalSpread, false);
            vari.muli(vari);
            INDArray varip1 = vari.dup().muli(decay).addi(var.dup().muli(1 - decay));
            Nd4j.exec(new DivOp(vari, varip1, spreadDelta));
            Transforms.log(spreadDelta, false);
            spreadDelta.muli(1.0 / (2 * Math.log(10.0)));
        } else {
            Nd4j.exec(new SubOp(globalSpread, var, spreadDelta));
            spreadDelta.muli(1 - decay);
        }
        assertArrayEquals(meanDelta.toFloatVector(),
                grads.get(BatchNormalizationParamInitializer.GLOBAL_MEAN).toFloatVector(), "mean");
        assertArrayEquals(spreadDelta.toFloatVector(), grads.get(spread).toFloatVector(), spread);
    }
}
