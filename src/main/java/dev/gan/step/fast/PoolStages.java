package dev.gan.step.fast;

import dev.gan.step.fast.dnnl.Dnnl;
import dev.gan.step.fast.dnnl.ResampleKernels;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * The ResNets' resampling layers: DL4J's Upsampling2D (nearest, x2), SubsamplingLayer (average, 2x2, stride 2) and
 * GlobalPoolingLayer (sum over positions), NCHW, into kept arrays.
 */
final class PoolStages {
    private PoolStages() {
    }

    /** Nearest-neighbour upsampling by 2: each value fills a 2x2 square; backprop sums each square. */
    static final class Upsample extends Resampling {
        Upsample() {
            super(true);
        }
    }

    /** Average pooling, 2x2 windows, stride 2, no padding. */
    static final class AvgPool extends Resampling {
        AvgPool() {
            super(false);
        }
    }

    /** Resampling by 2 on oneDNN's primitives ({@link ResampleKernels}), built again only for a new input shape. */
    private abstract static class Resampling implements Stage {
        private final boolean upsample;
        private final Buffer output = new Buffer(), inputGrad = new Buffer();
        private ResampleKernels kernels;
        private long[] inShape;

        Resampling(boolean upsample) {
            this.upsample = upsample;
        }

        @Override
        public INDArray forward(INDArray x, INDArray[] inputs) {
            long[] shape = x.shape();
            if (kernels == null || !Arrays.equals(inShape, shape)) {
                if (kernels != null) kernels.close();
                kernels = new ResampleKernels(shape, upsample);
                inShape = shape;
            }
            long[] out = shape.clone();
            for (int d = 2; d < 4; d++) out[d] = upsample ? 2 * shape[d] : shape[d] / 2;
            INDArray y = output.of(out);
            kernels.forward(plain(x), y);
            return y;
        }

        @Override
        public INDArray backward(INDArray gradOut) {
            INDArray gx = inputGrad.of(inShape);
            kernels.backward(plain(gradOut), gx);
            return gx;
        }
    }

    /** Global sum pooling of [B, C, H, W] to [B, C]; backprop spreads each gradient over its channel's positions. */
    static final class SumPool implements Stage {
        private final Buffer output = new Buffer(), inputGrad = new Buffer();
        private long[] inShape;

        @Override
        public INDArray forward(INDArray x, INDArray[] inputs) {
            inShape = x.shape();
            INDArray out = output.of(inShape[0], inShape[1]);
            x.sum(out, 2, 3);
            return out;
        }

        @Override
        public INDArray backward(INDArray gradOut) {
            INDArray gx = inputGrad.of(inShape).assign(0);
            Nd4j.exec(new BroadcastAddOp(gx, gradOut, gx, 0, 1));
            return gx;
        }
    }

    /** {@code x}, or a dense copy where oneDNN could not read it in place. */
    private static INDArray plain(INDArray x) {
        return Dnnl.plain(x) ? x : x.dup('c');
    }
}
