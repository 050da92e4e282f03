package dev.gan.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A parameter-free graph vertex written with plain ND4J ops, for the few operations DL4J has no vertex for. Plain
 * rather than a SameDiff lambda vertex: a SameDiff vertex prints "Added differentiated op ..." lines on standard
 * output the first time it backpropagates, and builds a SameDiff graph per vertex. Subclasses are configurations
 * (serialized by class name in every checkpoint that uses them: do not move or rename) that say how many inputs
 * they take and compute forward and backward.
 */
public abstract class PlainVertex extends GraphVertex {

    /** The output for the inputs, written into {@code out} (already shaped as {@link #outputShape}). */
    abstract void forward(INDArray[] inputs, INDArray out);

    /** The output's shape for these inputs. */
    abstract long[] outputShape(INDArray[] inputs);

    /** dLoss/dInput for each input, written into {@code grads} (shaped like the inputs), given dLoss/dOutput. */
    abstract void backward(INDArray[] inputs, INDArray gradOut, INDArray[] grads);

    abstract int inputs();

    @Override
    public GraphVertex clone() {
        try {
            return getClass().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().getName().hashCode();
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return inputs();
    }

    @Override
    public int maxVertexInputs() {
        return inputs();
    }

    @Override
    public MemoryReport getMemoryReport(org.deeplearning4j.nn.conf.inputs.InputType... inputTypes) {
        return null;   // DL4J's memory estimates are never asked for here
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new Runtime(graph, name, idx, networkDatatype, this);
    }

    /** The vertex inside a ComputationGraph: workspace bookkeeping around {@link #forward} and {@link #backward}. */
    static final class Runtime extends BaseGraphVertex {
        private final PlainVertex op;

        Runtime(ComputationGraph graph, String name, int idx, DataType dataType, PlainVertex op) {
            super(graph, name, idx, null, null, dataType);
            this.op = op;
        }

        @Override
        public boolean hasLayer() {
            return false;
        }

        @Override
        public Layer getLayer() {
            return null;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
            if (!canDoForward()) throw new IllegalStateException(vertexName + ": inputs not set");
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, op.outputShape(inputs), 'c');
            op.forward(inputs, out);
            return out;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
            if (!canDoBackward()) throw new IllegalStateException(vertexName + ": inputs or epsilon not set");
            INDArray[] grads = new INDArray[inputs.length];
            for (int i = 0; i < grads.length; i++) {
                grads[i] = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, inputs[i].shape(), 'c');
            }
            op.backward(inputs, epsilon, grads);
            return new Pair<>(null, grads);
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
            if (backpropGradientsViewArray != null) throw new IllegalStateException(vertexName + " has no parameters");
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                               int minibatchSize) {
            return new Pair<>(null, currentMaskState);   // images and labels are never masked
        }

        @Override
        public String toString() {
            return op.getClass().getSimpleName() + "(" + vertexName + ")";
        }
    }
}
