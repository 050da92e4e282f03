package dev.gan.step.fast;

import dev.gan.model.EpsCapture;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a ComputationGraph and decides whether the fast engine can run it: a chain of covered vertices from one
 * network input (merges may add other inputs) to the graph's single output, which must be the loss layer the GAN
 * step expects. The plan only inspects the graph; its stages are built later, against the graph's gradient view.
 *
 * <p>Covered: DenseLayer, ConvolutionLayer and Deconvolution2D (NCHW, explicit padding, no dilation; on oneDNN's
 * kernels, {@link DnnlConvStage}) and
 * ActivationLayer with identity, ReLU, LeakyReLU or tanh; BatchNormalization (NCHW); FF-to-CNN and CNN-to-FF preprocessors; the EpsCapture
 * vertex; MergeVertex on dimension 1; the final OutputLayer or CnnLossLayer with the expected loss and no
 * activation. Dropout, weight noise, regularisation, constraints and gradient normalisation are not.
 */
final class NetCompiler {
    /** Builds one stage once the graph's parameter and gradient views exist. */
    interface StageFactory {
        Stage create(FastNet.Views views);
    }

    /**
     * @param chainInput the network input the chain starts from (its gradient is what backprop returns), or -1 when
     *                   the chain starts with a merge of network inputs only
     */
    record Plan(ComputationGraph graph, int chainInput, List<StageFactory> stages) {
    }

    private NetCompiler() {
    }

    /**
     * @param role the network's name in messages: "generator" or "discriminator"
     * @param loss the loss function the graph's output layer must have
     */
    static Plan plan(ComputationGraph graph, String role, Class<? extends ILossFunction> loss, Precision precision)
            throws NotCovered {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        List<String> inputs = conf.getNetworkInputs();
        List<String> order = new ArrayList<>();
        for (int i : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[i].getVertexName();
            if (!inputs.contains(name)) order.add(name);
        }
        if (graph.params().dataType() != DataType.FLOAT) {
            throw new NotCovered(role, order.get(0), "data type " + graph.params().dataType());
        }
        List<StageFactory> stages = new ArrayList<>();
        String previous = null;
        int chainInput = -1;
        for (String name : order) {
            GraphVertex vertex = conf.getVertices().get(name);
            List<String> from = conf.getVertexInputs().get(name);
            boolean last = name.equals(order.get(order.size() - 1));
            if (vertex instanceof MergeVertex merge) {
                stages.add(merge(role, name, merge, from, previous, inputs));
            } else {
                if (from.size() != 1) throw new NotCovered(role, name, "more than one input");
                String in = from.get(0);
                if (previous == null && inputs.contains(in)) {
                    chainInput = inputs.indexOf(in);
                } else if (!in.equals(previous)) {
                    throw new NotCovered(role, name, "a branch off the chain of layers");
                }
                if (vertex instanceof PreprocessorVertex p) {
                    if (!(p.getPreProcessor() instanceof EpsCapture)) stages.add(reshape(role, name, p.getPreProcessor()));
                } else if (vertex instanceof LayerVertex layerVertex) {
                    if (layerVertex.getPreProcessor() != null) stages.add(reshape(role, name, layerVertex.getPreProcessor()));
                    StageFactory layer = layer(role, name, graph.getLayer(name), last, loss, afterBatchNorm(graph, previous),
                            precision);
                    if (layer != null) stages.add(layer);
                } else {
                    throw new NotCovered(role, name, vertex.getClass().getSimpleName());
                }
            }
            previous = name;
        }
        boolean lossLast = graph.getLayer(previous) != null
                && (graph.getLayer(previous).conf().getLayer() instanceof OutputLayer
                || graph.getLayer(previous).conf().getLayer() instanceof CnnLossLayer);
        if (!lossLast || !conf.getNetworkOutputs().equals(List.of(previous))) {
            throw new NotCovered(role, previous, "the GAN step needs " + loss.getSimpleName()
                    + " in the last layer, the network's only output");
        }
        return new Plan(graph, chainInput, stages);
    }

    private static StageFactory merge(String role, String name, MergeVertex merge, List<String> from, String previous,
                                      List<String> inputs) throws NotCovered {
        if (merge.getMergeAxis() != MergeVertex.DEFAULT_MERGE_DIM) {
            throw new NotCovered(role, name, "MergeVertex on dimension " + merge.getMergeAxis());
        }
        int[] sources = new int[from.size()];
        for (int i = 0; i < sources.length; i++) {
            String in = from.get(i);
            if (in.equals(previous)) sources[i] = MergeStage.CHAIN;
            else if (inputs.contains(in)) sources[i] = inputs.indexOf(in);
            else throw new NotCovered(role, name, "MergeVertex of " + in + ", a branch off the chain of layers");
        }
        if (previous != null && Arrays.stream(sources).noneMatch(s -> s == MergeStage.CHAIN)) {
            throw new NotCovered(role, name, "MergeVertex that starts a second chain");
        }
        return views -> new MergeStage(sources);
    }

    static StageFactory reshape(String role, String name, InputPreProcessor p) throws NotCovered {
        if (p instanceof FeedForwardToCnnPreProcessor f) {
            return views -> new ReshapeStage(f.getNumChannels(), f.getInputHeight(), f.getInputWidth());
        }
        if (p instanceof CnnToFeedForwardPreProcessor c && c.getFormat() == CNN2DFormat.NCHW) {
            return views -> new ReshapeStage(-1);
        }
        throw new NotCovered(role, name, "preprocessor " + p.getClass().getSimpleName());
    }

    /** The stage of one layer, or null for the generator's loss layer, which passes D's gradient on unchanged. */
    /** Whether {@code vertex} is a BatchNormalization layer, whose output buffer its backward pass does not read. */
    private static boolean afterBatchNorm(ComputationGraph graph, String vertex) {
        return vertex != null && graph.getLayer(vertex) != null
                && graph.getLayer(vertex).conf().getLayer() instanceof BatchNormalization;
    }

    static StageFactory layer(String role, String name, Layer runtime, boolean last,
                              Class<? extends ILossFunction> loss, boolean afterBatchNorm, Precision precision)
            throws NotCovered {
        org.deeplearning4j.nn.conf.layers.Layer conf = runtime.conf().getLayer();
        String kind = conf.getClass().getSimpleName();
        String problem = unsupportedTraining(conf);
        if (problem != null) throw new NotCovered(role, name, kind + " with " + problem);
        if (conf.getClass() == OutputLayer.class || conf.getClass() == CnnLossLayer.class) {
            ILossFunction fn = conf instanceof OutputLayer o ? o.getLossFn() : ((CnnLossLayer) conf).getLossFn();
            boolean identity = ((BaseLayer) conf).getActivationFn() instanceof ActivationIdentity;
            if (!last || !loss.isInstance(fn) || !identity) {
                throw new NotCovered(role, name, kind + " with " + fn.name() + " and activation "
                        + ((BaseLayer) conf).getActivationFn() + " (the GAN step needs " + loss.getSimpleName()
                        + ", no activation, as the last layer)");
            }
            if (conf instanceof CnnLossLayer c) {
                if (c.getFormat() != CNN2DFormat.NCHW) throw new NotCovered(role, name, kind + " with " + c.getFormat());
                return null;
            }
            OutputLayer o = (OutputLayer) conf;
            return views -> new DenseStage(o.getNOut(), o.hasBias(), views.params(name), views.gradients(name),
                    Nonlinearity.of(o.getActivationFn()));
        }
        if (conf.getClass() == DenseLayer.class) {
            DenseLayer d = (DenseLayer) conf;
            if (d.hasLayerNorm()) throw new NotCovered(role, name, kind + " with layer normalisation");
            activation(role, name, d);
            return views -> new DenseStage(d.getNOut(), d.hasBias(), views.params(name), views.gradients(name),
                    Nonlinearity.of(d.getActivationFn()));
        }
        if (conf.getClass() == ConvolutionLayer.class || conf.getClass() == Deconvolution2D.class) {
            ConvolutionLayer c = (ConvolutionLayer) conf;
            if (c.getConvolutionMode() == ConvolutionMode.Same || c.getConvolutionMode() == ConvolutionMode.Causal) {
                throw new NotCovered(role, name, kind + " with ConvolutionMode." + c.getConvolutionMode());
            }
            if (Arrays.stream(c.getDilation()).anyMatch(d -> d != 1)) throw new NotCovered(role, name, kind + " with dilation");
            if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW) throw new NotCovered(role, name, kind + " with NHWC data");
            activation(role, name, c);
            boolean bf16 = precision == Precision.BF16;
            return views -> new DnnlConvStage(c, views.params(name), views.gradients(name),
                    Nonlinearity.of(c.getActivationFn()), bf16);
        }
        if (conf.getClass() == ActivationLayer.class) {
            ActivationLayer a = (ActivationLayer) conf;
            if (Nonlinearity.of(a.getActivationFn()) == null) {
                throw new NotCovered(role, name, kind + " with activation " + a.getActivationFn());
            }
            return views -> new ActivationStage(Nonlinearity.of(a.getActivationFn()), afterBatchNorm);
        }
        if (conf.getClass() == BatchNormalization.class) {
            BatchNormalization b = (BatchNormalization) conf;
            if (b.isLockGammaBeta() || !b.isMinibatch() || b.getCnn2DFormat() != CNN2DFormat.NCHW) {
                throw new NotCovered(role, name, kind + " with locked gamma/beta, no minibatch or NHWC data");
            }
            // in bf16, oneDNN's batch statistics: they let the layer read a convolution's blocked output
            boolean ownStatistics = precision == Precision.BF16;
            return views -> new BatchNormStage(b, views.params(name), views.gradients(name), ownStatistics);
        }
        throw new NotCovered(role, name, kind);
    }

    private static void activation(String role, String name, BaseLayer conf) throws NotCovered {
        if (Nonlinearity.of(conf.getActivationFn()) == null) {
            throw new NotCovered(role, name, conf.getClass().getSimpleName() + " with activation " + conf.getActivationFn());
        }
    }

    /** What a layer does in training that the fast engine does not, or null. */
    private static String unsupportedTraining(org.deeplearning4j.nn.conf.layers.Layer conf) {
        if (conf.getIDropout() != null) return "dropout";
        if (conf.getConstraints() != null && !conf.getConstraints().isEmpty()) return "constraints";
        if (conf instanceof BaseLayer b) {
            if (b.getWeightNoise() != null) return "weight noise";
            if (!isEmpty(b.getRegularization()) || !isEmpty(b.getRegularizationBias())) return "regularisation";
            if (b.getGradientNormalization() != null && b.getGradientNormalization() != GradientNormalization.None) {
                return "gradient normalisation";
            }
        }
        return null;
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
