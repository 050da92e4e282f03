package dev.gan.step.fast;

import dev.gan.model.ClassAffine;
import dev.gan.model.RowDot;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * A whole network that is not a chain - residual blocks, class embeddings read from a second input, the
 * projection head - as one {@link Stage}: its vertices run in topological order on the network's inputs, and backprop
 * runs them in reverse, adding up the gradients of every vertex read by more than one other. It returns the gradient
 * of network input 0 (D's image). Built by {@link GraphCompiler}.
 *
 * <p>Backward passes here never write into the gradient they are handed, so one array can go to several vertices.
 */
final class GraphStage implements Stage {
    /** One vertex: what it computes, and where its inputs come from (vertex index, or -1 - network input index). */
    record Node(String name, Op op, int[] from) {
    }

    /** A vertex with any number of inputs. */
    interface Op {
        INDArray forward(INDArray[] in, INDArray[] networkInputs);

        /** Gradients for each input, for the last forward pass; null entries for inputs that need none. */
        INDArray[] backward(INDArray gradOut);
    }

    private final List<Node> nodes;
    private final int networkInputs;
    private final INDArray[] outputs;
    private final Buffer[] sums;
    private final INDArray[] grads;
    private final Buffer[] inputSums;
    private final INDArray[] inputGrads;

    GraphStage(List<Node> nodes, int networkInputs) {
        this.nodes = nodes;
        this.networkInputs = networkInputs;
        this.outputs = new INDArray[nodes.size()];
        this.grads = new INDArray[nodes.size()];
        this.sums = new Buffer[nodes.size()];
        for (int i = 0; i < sums.length; i++) sums[i] = new Buffer();
        this.inputGrads = new INDArray[networkInputs];
        this.inputSums = new Buffer[networkInputs];
        for (int i = 0; i < inputSums.length; i++) inputSums[i] = new Buffer();
    }

    @Override
    public INDArray forward(INDArray x, INDArray[] inputs) {
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            INDArray[] in = new INDArray[n.from().length];
            for (int j = 0; j < in.length; j++) {
                int f = n.from()[j];
                in[j] = f >= 0 ? outputs[f] : inputs[-1 - f];
            }
            outputs[i] = n.op().forward(in, inputs);
        }
        return outputs[outputs.length - 1];
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        java.util.Arrays.fill(grads, null);
        java.util.Arrays.fill(inputGrads, null);
        grads[grads.length - 1] = gradOut;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (grads[i] == null) continue;   // nothing downstream depends on it (cannot happen in a valid plan)
            Node n = nodes.get(i);
            INDArray[] g = n.op().backward(grads[i]);
            for (int j = 0; j < g.length; j++) {
                if (g[j] == null) continue;
                int f = n.from()[j];
                if (f >= 0) grads[f] = add(grads[f], g[j], sums[f]);
                else inputGrads[-1 - f] = add(inputGrads[-1 - f], g[j], inputSums[-1 - f]);
            }
        }
        return networkInputs > 0 ? inputGrads[0] : null;
    }

    @Override
    public void parameterGradients(boolean needed) {
        for (Node n : nodes) {
            if (n.op() instanceof Single s) s.stage().parameterGradients(needed);
            if (n.op() instanceof Sequence q) q.stages().forEach(st -> st.parameterGradients(needed));
        }
    }

    /** The running sum of a vertex's incoming gradients: the first one as is, then a kept array. */
    private static INDArray add(INDArray sum, INDArray g, Buffer buffer) {
        if (sum == null) return g;
        INDArray out = buffer.of(g.shape());
        if (out != sum) out.assign(sum);
        return out.addi(g);
    }

    /** A single-input {@link Stage} as a vertex. */
    record Single(Stage stage) implements Op {
        @Override
        public INDArray forward(INDArray[] in, INDArray[] networkInputs) {
            return stage.forward(in[0], networkInputs);
        }

        @Override
        public INDArray[] backward(INDArray gradOut) {
            return new INDArray[]{stage.backward(gradOut)};
        }
    }

    /** Several single-input stages one after the other (a layer's preprocessor, then the layer). */
    record Sequence(List<Stage> stages) implements Op {
        @Override
        public INDArray forward(INDArray[] in, INDArray[] networkInputs) {
            INDArray x = in[0];
            for (Stage s : stages) x = s.forward(x, networkInputs);
            return x;
        }

        @Override
        public INDArray[] backward(INDArray gradOut) {
            INDArray g = gradOut;
            for (int i = stages.size() - 1; i >= 0; i--) g = stages.get(i).backward(g);
            return new INDArray[]{g};
        }
    }

    /** A vertex that hands its input on: the input-gradient tap, the generator's loss layer, a projection D's. */
    static final class Identity implements Op {
        @Override
        public INDArray forward(INDArray[] in, INDArray[] networkInputs) {
            return in[0];
        }

        @Override
        public INDArray[] backward(INDArray gradOut) {
            return new INDArray[]{gradOut};
        }
    }

    /** ElementWiseVertex Add: the residual sums, and the projection D's two logit terms. */
    static final class Add implements Op {
        private final Buffer output = new Buffer();
        private int arity;

        @Override
        public INDArray forward(INDArray[] in, INDArray[] networkInputs) {
            arity = in.length;
            INDArray out = output.of(in[0].shape()).assign(in[0]);
            for (int i = 1; i < in.length; i++) out.addi(in[i]);
            return out;
        }

        @Override
        public INDArray[] backward(INDArray gradOut) {
            INDArray[] g = new INDArray[arity];
            java.util.Arrays.fill(g, gradOut);
            return g;
        }
    }

    /** MergeVertex on dimension 1, with a gradient for every input (D's label maps get one too, unused). */
    static final class Concat implements Op {
        private final Buffer output = new Buffer();
        private final Buffer[] inputGrad;
        private long[][] shapes;

        Concat(int arity) {
            inputGrad = new Buffer[arity];
            for (int i = 0; i < arity; i++) inputGrad[i] = new Buffer();
        }

        @Override
        public INDArray forward(INDArray[] in, INDArray[] networkInputs) {
            shapes = new long[in.length][];
            long channels = 0;
            for (int i = 0; i < in.length; i++) {
                shapes[i] = in[i].shape();
                channels += in[i].size(1);
            }
            long[] shape = in[0].shape().clone();
            shape[1] = channels;
            INDArray out = output.of(shape);
            long from = 0;
            for (INDArray part : in) {
                out.get(channels(out.rank(), from, part.size(1))).assign(part);
                from += part.size(1);
            }
            return out;
        }

        @Override
        public INDArray[] backward(INDArray gradOut) {
            INDArray[] g = new INDArray[shapes.length];
            long from = 0;
            for (int i = 0; i < g.length; i++) {
                g[i] = inputGrad[i].of(shapes[i]).assign(gradOut.get(channels(gradOut.rank(), from, shapes[i][1])));
                from += shapes[i][1];
            }
            return g;
        }

        private static INDArrayIndex[] channels(int rank, long from, long count) {
            INDArrayIndex[] at = new INDArrayIndex[rank];
            for (int d = 0; d < rank; d++) at[d] = NDArrayIndex.all();
            at[1] = NDArrayIndex.interval(from, from + count);
            return at;
        }
    }

    /** Conditional BatchNorm's per-class gain and bias ({@link ClassAffine}). */
    static final class Affine implements Op {
        private final Buffer output = new Buffer(), dh = new Buffer(), dGain = new Buffer(), dBias = new Buffer();
        private INDArray h, gain;

        @Override
        public INDArray forward(INDArray[] in, INDArray[] networkInputs) {
            h = in[0];
            gain = in[1];
            INDArray out = output.of(h.shape());
            ClassAffine.apply(h, gain, in[2], out);
            return out;
        }

        @Override
        public INDArray[] backward(INDArray gradOut) {
            INDArray a = dh.of(h.shape()), b = dGain.of(gain.shape()), c = dBias.of(gain.shape());
            ClassAffine.backprop(h, gain, gradOut, a, b, c);
            return new INDArray[]{a, b, c};
        }
    }

    /** The projection term ({@link RowDot}). */
    static final class Dot implements Op {
        private final Buffer output = new Buffer(), da = new Buffer(), db = new Buffer();
        private INDArray a, b;

        @Override
        public INDArray forward(INDArray[] in, INDArray[] networkInputs) {
            a = in[0];
            b = in[1];
            INDArray out = output.of(a.size(0), 1);
            RowDot.apply(a, b, out);
            return out;
        }

        @Override
        public INDArray[] backward(INDArray gradOut) {
            INDArray ga = da.of(a.shape()), gb = db.of(b.shape());
            RowDot.backprop(a, b, gradOut, ga, gb);
            return new INDArray[]{ga, gb};
        }
    }
}
