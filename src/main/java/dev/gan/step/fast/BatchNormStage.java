package dev.gan.step.fast;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

/**
 * A BatchNormalization layer in training mode, per channel (per feature for [B, N] input), exactly as M2.1's layer
 * runs it with the oneDNN helper: batch mean and biased variance, libnd4j's batchnorm / batchnorm_bp.
 *
 * <p>Like DL4J, it applies no activation: M2.1's BatchNormalization ignores the activation it is configured with
 * ({@code activate} returns {@code preOutput}), and the fast engine must compute what DL4J computes.
 *
 * <p>The running mean and variance are DL4J "parameters" that its updater moves with a NoOp updater, not divided by
 * the batch size: backprop writes mean[t] - mean[t+1] as their "gradient" (BatchNormalization.backpropGradient),
 * which this stage reproduces op for op, for either storage of the variance (log10 of the std, or the variance).
 */
final class BatchNormStage implements Stage {
    private static final double ONE_ON_2LOGE_10 = 1.0 / (2 * Math.log(10.0));
    private static final long[] NCHW_REDUCE = {0, 2, 3};

    private final long channels;
    private final double decay;
    private final boolean logStd;
    private final INDArray gamma, beta, globalMean, globalSpread, gammaGrad, betaGrad, meanDelta, spreadDelta;
    private final CustomOp momentsOp = DynamicCustomOp.builder("moments").build();
    private final CustomOp forwardOp = DynamicCustomOp.builder("batchnorm").build();
    private final CustomOp backwardOp = DynamicCustomOp.builder("batchnorm_bp").build();
    private final OpContext momentsArgs, forwardArgs, backwardArgs;
    private final Buffer mean = new Buffer(), variance = new Buffer(), output = new Buffer(), inputGrad = new Buffer(),
            meanGrad = new Buffer(), varianceGrad = new Buffer(), oldVar = new Buffer(), newVar = new Buffer(),
            batchShare = new Buffer();
    private INDArray input;
    private long[] shape;

    BatchNormStage(BatchNormalization conf, Map<String, INDArray> params, Map<String, INDArray> grads) {
        this.channels = conf.getNOut();
        this.decay = conf.getDecay();
        this.logStd = conf.isUseLogStd();
        String spread = logStd ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD : BatchNormalizationParamInitializer.GLOBAL_VAR;
        // DL4J stores each as [1, C]; the ops take [C]
        if (conf.isLockGammaBeta()) {
            // conditional BatchNorm's first half: gamma and beta are constants, not parameters; their "gradients"
            // go to scratch arrays nothing reads
            this.gamma = Nd4j.valueArrayOf(new long[]{channels}, conf.getGamma(), DataType.FLOAT);
            this.beta = Nd4j.valueArrayOf(new long[]{channels}, conf.getBeta(), DataType.FLOAT);
            this.gammaGrad = Nd4j.create(DataType.FLOAT, channels);
            this.betaGrad = Nd4j.create(DataType.FLOAT, channels);
        } else {
            this.gamma = flat(params, BatchNormalizationParamInitializer.GAMMA);
            this.beta = flat(params, BatchNormalizationParamInitializer.BETA);
            this.gammaGrad = flat(grads, BatchNormalizationParamInitializer.GAMMA);
            this.betaGrad = flat(grads, BatchNormalizationParamInitializer.BETA);
        }
        this.globalMean = flat(params, BatchNormalizationParamInitializer.GLOBAL_MEAN);
        this.globalSpread = flat(params, spread);
        this.meanDelta = flat(grads, BatchNormalizationParamInitializer.GLOBAL_MEAN);
        this.spreadDelta = flat(grads, spread);
        this.momentsArgs = Nd4j.getExecutioner().buildContext();
        momentsArgs.setIArguments(NCHW_REDUCE);
        this.forwardArgs = context(conf.getEps());
        this.backwardArgs = context(conf.getEps());
    }

    private INDArray flat(Map<String, INDArray> arrays, String key) {
        return arrays.get(key).reshape(channels);
    }

    /** batchnorm / batchnorm_bp arguments: apply gamma, apply beta, channel axis 1 (NCHW); epsilon. */
    private static OpContext context(double eps) {
        OpContext c = Nd4j.getExecutioner().buildContext();
        c.setIArguments(1, 1, 1);
        c.setTArguments(eps);
        return c;
    }

    @Override
    public INDArray forward(INDArray x, INDArray[] inputs) {
        shape = x.shape();
        input = x.rank() == 2 ? x.reshape(x.size(0), channels, 1, 1) : x;
        INDArray m = mean.of(channels), v = variance.of(channels);
        // moments: the same batch mean and biased variance as DL4J's mean + Variance ops, bit for bit, in a quarter
        // of their time
        momentsArgs.setInputArray(0, input);
        momentsArgs.setOutputArray(0, m);
        momentsArgs.setOutputArray(1, v);
        ContextOp.exec(momentsOp, momentsArgs);
        INDArray y = output.of(input.shape());
        forwardArgs.setInputArray(0, input);
        forwardArgs.setInputArray(1, m);
        forwardArgs.setInputArray(2, v);
        forwardArgs.setInputArray(3, gamma);
        forwardArgs.setInputArray(4, beta);
        forwardArgs.setOutputArray(0, y);
        ContextOp.exec(forwardOp, forwardArgs);
        return y.reshape(shape);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        INDArray gx = inputGrad.of(input.shape());
        INDArray m = mean.of(channels), v = variance.of(channels);
        backwardArgs.setInputArray(0, input);
        backwardArgs.setInputArray(1, m);
        backwardArgs.setInputArray(2, v);
        backwardArgs.setInputArray(3, gamma);
        backwardArgs.setInputArray(4, beta);
        backwardArgs.setInputArray(5, gradOut.reshape(input.shape()));
        backwardArgs.setOutputArray(0, gx);
        backwardArgs.setOutputArray(1, meanGrad.of(channels));
        backwardArgs.setOutputArray(2, varianceGrad.of(channels));
        backwardArgs.setOutputArray(3, gammaGrad);
        backwardArgs.setOutputArray(4, betaGrad);
        ContextOp.exec(backwardOp, backwardArgs);
        runningStatistics(m, v);
        return gx.reshape(shape);
    }

    /** The running estimates' "gradients", in DL4J's order of float operations. */
    private void runningStatistics(INDArray batchMean, INDArray batchVar) {
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
