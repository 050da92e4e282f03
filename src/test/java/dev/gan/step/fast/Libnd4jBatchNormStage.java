package dev.gan.step.fast;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * A BatchNormalization layer in training mode as M2.1's layer runs it with its oneDNN helper - batch mean and biased
 * variance, libnd4j's moments / batchnorm / batchnorm_bp ops - with the running statistics of
 * {@link RunningStatistics}: the reference {@link BatchNormStage} is held to, one layer at a time (the engine ran
 * this stage until it moved to oneDNN's own primitives, which fuse the ReLU after the layer and allocate nothing per
 * call).
 */
final class Libnd4jBatchNormStage implements Stage {
    private static final long[] NCHW_REDUCE = {0, 2, 3};

    private final long channels;
    private final INDArray gamma, beta, gammaGrad, betaGrad;
    private final RunningStatistics running;
    private final CustomOp momentsOp = DynamicCustomOp.builder("moments").build();
    private final CustomOp forwardOp = DynamicCustomOp.builder("batchnorm").build();
    private final CustomOp backwardOp = DynamicCustomOp.builder("batchnorm_bp").build();
    private final OpContext momentsArgs, forwardArgs, backwardArgs;
    private final Buffer mean = new Buffer(), variance = new Buffer(), output = new Buffer(), inputGrad = new Buffer(),
            meanGrad = new Buffer(), varianceGrad = new Buffer();
    private INDArray input;
    private long[] shape;

    Libnd4jBatchNormStage(BatchNormalization conf, Map<String, INDArray> params, Map<String, INDArray> grads) {
        this.channels = conf.getNOut();
        if (conf.isLockGammaBeta()) {
            this.gamma = Nd4j.valueArrayOf(new long[]{channels}, conf.getGamma(), DataType.FLOAT);
            this.beta = Nd4j.valueArrayOf(new long[]{channels}, conf.getBeta(), DataType.FLOAT);
            this.gammaGrad = Nd4j.create(DataType.FLOAT, channels);
            this.betaGrad = Nd4j.create(DataType.FLOAT, channels);
        } else {
            this.gamma = params.get(BatchNormalizationParamInitializer.GAMMA).reshape(channels);
            this.beta = params.get(BatchNormalizationParamInitializer.BETA).reshape(channels);
            this.gammaGrad = grads.get(BatchNormalizationParamInitializer.GAMMA).reshape(channels);
            this.betaGrad = grads.get(BatchNormalizationParamInitializer.BETA).reshape(channels);
        }
        this.running = new RunningStatistics(conf, params, grads);
        this.momentsArgs = Nd4j.getExecutioner().buildContext();
        momentsArgs.setIArguments(NCHW_REDUCE);
        this.forwardArgs = context(conf.getEps());
        this.backwardArgs = context(conf.getEps());
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
        running.update(m, v);
        return gx.reshape(shape);
    }
}
