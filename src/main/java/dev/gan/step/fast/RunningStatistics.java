package dev.gan.step.fast;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

/**
 * A BatchNormalization layer's running mean and variance as DL4J moves them. They are DL4J "parameters" that its
 * updater changes with a NoOp updater, not divided by the batch size: backprop writes mean[t] - mean[t+1] as their
 * "gradient" (BatchNormalization.backpropGradient), which this reproduces op for op, for either storage of the
 * variance (log10 of the std, or the variance).
 */
final class RunningStatistics {
    private static final double ONE_ON_2LOGE_10 = 1.0 / (2 * Math.log(10.0));

    private final long channels;
    private final double decay;
    private final boolean logStd;
    private final INDArray globalMean, globalSpread, meanDelta, spreadDelta;
    private final Buffer oldVar = new Buffer(), newVar = new Buffer(), batchShare = new Buffer();

    RunningStatistics(BatchNormalization conf, Map<String, INDArray> params, Map<String, INDArray> grads) {
        this.channels = conf.getNOut();
        this.decay = conf.getDecay();
        this.logStd = conf.isUseLogStd();
        String spread = logStd ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD : BatchNormalizationParamInitializer.GLOBAL_VAR;
        // DL4J stores each as [1, C]
        this.globalMean = params.get(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(channels);
        this.globalSpread = params.get(spread).reshape(channels);
        this.meanDelta = grads.get(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(channels);
        this.spreadDelta = grads.get(spread).reshape(channels);
    }

    /** The running estimates' "gradients" for this batch's mean and biased variance, in DL4J's order of operations. */
    void update(INDArray batchMean, INDArray batchVar) {
        Nd4j.exec(new SubOp(globalMean, batchMean, meanDelta));
        meanDelta.muli(1 - decay);
        if (!logStd) {
            Nd4j.exec(new SubOp(globalSpread, batchVar, spreadDelta));
            spreadDelta.muli(1 - decay);
            return;
        }
        // var[t] = (10^log10std)^2; var[t+1] = decay var[t] + (1 - decay) batchVar; delta = log10(std[t] / std[t+1])
        INDArray vari = oldVar.of(channels).assign(10.0);
        Transforms.pow(vari, globalSpread, false);
        vari.muli(vari);
        INDArray varip1 = newVar.of(channels).assign(vari).muli(decay)
                .addi(batchShare.of(channels).assign(batchVar).muli(1 - decay));
        Nd4j.exec(new DivOp(vari, varip1, spreadDelta));
        Transforms.log(spreadDelta, false);
        spreadDelta.muli(ONE_ON_2LOGE_10);
    }
}
