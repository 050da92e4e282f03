package dev.gan.step.fast;

import dev.gan.step.fast.dnnl.Dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.PowPairwise;
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
    private final Buffer oldStd = new Buffer();
    /** 10, the base of pow(10, log10 std). */
    private final INDArray tens;
    private final float[][] scratch = {new float[0], new float[0], new float[0], new float[0]};

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
        this.tens = Nd4j.valueArrayOf(new long[]{channels}, 10.0, DataType.FLOAT);
    }

    /**
     * The running estimates' "gradients" for this batch's mean and biased variance, in DL4J's order of operations.
     * The subtractions, products, sums and quotient are single float operations, the same in Java as in libnd4j's
     * elementwise ops, so they run here on the channels' floats instead of as a dozen ND4J ops (~25 us each, most of this
     * layer's backward pass on DCGAN-28's 128 channels); pow and log stay libnd4j's, whose float results Java's Math
     * does not reproduce bit for bit.
     */
    void update(INDArray batchMean, INDArray batchVar) {
        int c = (int) channels;
        float keep = (float) decay, share = (float) (1 - decay);
        float[] gm = read(globalMean, 0, c), bm = read(batchMean, 1, c), bv = read(batchVar, 2, c);
        float[] out = scratch[3].length < c ? (scratch[3] = new float[c]) : scratch[3];
        for (int i = 0; i < c; i++) out[i] = (gm[i] - bm[i]) * share;
        new FloatPointer(meanDelta.data().addressPointer()).put(out, 0, c);
        if (!logStd) {
            float[] gs = read(globalSpread, 0, c);
            for (int i = 0; i < c; i++) out[i] = (gs[i] - bv[i]) * share;
            new FloatPointer(spreadDelta.data().addressPointer()).put(out, 0, c);
            return;
        }
        // var[t] = (10^log10std)^2; var[t+1] = decay var[t] + (1 - decay) batchVar; delta = log10(std[t] / std[t+1])
        INDArray std = oldStd.of(channels);
        Nd4j.exec(new PowPairwise(tens, globalSpread, std));
        float[] sd = read(std, 0, c);
        for (int i = 0; i < c; i++) {
            float vari = sd[i] * sd[i];
            out[i] = vari / (vari * keep + bv[i] * share);
        }
        new FloatPointer(spreadDelta.data().addressPointer()).put(out, 0, c);
        Transforms.log(spreadDelta, false);
        float[] logs = read(spreadDelta, 0, c);
        float half = (float) ONE_ON_2LOGE_10;
        for (int i = 0; i < c; i++) logs[i] *= half;
        new FloatPointer(spreadDelta.data().addressPointer()).put(logs, 0, c);
    }

    /** The first {@code c} floats of a plain array, into scratch array {@code slot}. */
    private float[] read(INDArray a, int slot, int c) {
        if (!Dnnl.plain(a)) throw new IllegalStateException("not plain: " + a.shapeInfoToString());
        if (scratch[slot].length < c) scratch[slot] = new float[c];
        new FloatPointer(a.data().addressPointer()).get(scratch[slot], 0, c);
        return scratch[slot];
    }
}
