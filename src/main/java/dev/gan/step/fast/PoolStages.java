package dev.gan.step.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ResNets' resampling layers: DL4J's Upsampling2D (nearest, x2), SubsamplingLayer (average, 2x2, stride 2) and
 * GlobalPoolingLayer (sum over positions), NCHW, into kept arrays.
 */
final class PoolStages {
    private PoolStages() {
    }

    /** Nearest-neighbour upsampling by 2: each value fills a 2x2 square; backprop sums each square. */
    static final class Upsample implements Stage {
        private final Buffer output = new Buffer(), inputGrad = new Buffer();
        private long[] inShape;

        @Override
        public INDArray forward(INDArray x, INDArray[] inputs) {
            inShape = x.shape();
            long b = inShape[0], c = inShape[1], h = inShape[2], w = inShape[3];
            INDArray out = output.of(b, c, 2 * h, 2 * w);
            // [B, C, H, 2, W, 2] view of the output: every (dy, dx) slot gets the input
            INDArray blocks = out.reshape('c', b, c, h, 2, w, 2);
            INDArray src = x.reshape('c', b, c, h, w);
            for (int dy = 0; dy < 2; dy++) {
                for (int dx = 0; dx < 2; dx++) {
                    blocks.get(all(), all(), all(), point(dy), all(), point(dx)).assign(src);
                }
            }
            return out;
        }

        @Override
        public INDArray backward(INDArray gradOut) {
            long b = inShape[0], c = inShape[1], h = inShape[2], w = inShape[3];
            INDArray gx = inputGrad.of(inShape);
            contiguous(gradOut).reshape('c', b, c, h, 2, w, 2).sum(gx, 3, 5);
            return gx;
        }
    }

    /** Average pooling, 2x2 windows, stride 2, no padding. */
    static final class AvgPool implements Stage {
        private final Buffer output = new Buffer(), inputGrad = new Buffer(), share = new Buffer();
        private long[] inShape;

        @Override
        public INDArray forward(INDArray x, INDArray[] inputs) {
            inShape = x.shape();
            long b = inShape[0], c = inShape[1], h = inShape[2] / 2, w = inShape[3] / 2;
            INDArray out = output.of(b, c, h, w);
            contiguous(x).reshape('c', b, c, h, 2, w, 2).mean(out, 3, 5);
            return out;
        }

        @Override
        public INDArray backward(INDArray gradOut) {
            long b = inShape[0], c = inShape[1], h = inShape[2] / 2, w = inShape[3] / 2;
            INDArray quarter = share.of(b, c, h, w).assign(gradOut).muli(0.25);
            INDArray gx = inputGrad.of(inShape);
            INDArray blocks = gx.reshape('c', b, c, h, 2, w, 2);
            for (int dy = 0; dy < 2; dy++) {
                for (int dx = 0; dx < 2; dx++) {
                    blocks.get(all(), all(), all(), point(dy), all(), point(dx)).assign(quarter);
                }
            }
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

    private static INDArray contiguous(INDArray x) {
        return x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return org.nd4j.linalg.indexing.NDArrayIndex.all();
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex point(long i) {
        return org.nd4j.linalg.indexing.NDArrayIndex.point(i);
    }
}
