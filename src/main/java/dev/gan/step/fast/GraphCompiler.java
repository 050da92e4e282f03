package dev.gan.step.fast;

import dev.gan.model.ClassAffine;
import dev.gan.model.EpsCapture;
import dev.gan.model.RowDot;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans networks that are not a chain of layers - the ResNets' residual blocks, conditional BatchNorm's embeddings of
 * G's label input, the projection D - as one {@link GraphStage}. A chain is still planned by {@link NetCompiler}
 * (its plan runs without the bookkeeping of branches); anything else comes here, where every layer NetCompiler
 * covers is covered too, plus: ElementWiseVertex Add, MergeVertex of any vertices, Upsampling2D (x2), average
 * SubsamplingLayer (2x2, stride 2, no padding), GlobalPoolingLayer SUM, BatchNormalization with locked gamma/beta,
 * the ClassAffine and RowDot vertices, and a final LossLayer with the expected loss.
 */
final class GraphCompiler {
    private GraphCompiler() {
    }

    /** {@link #plan(ComputationGraph, String, Class, Precision)} in float32. */
    static NetCompiler.Plan plan(ComputationGraph graph, String role, Class<? extends ILossFunction> loss)
            throws NotCovered {
        return plan(graph, role, loss, Precision.FP32);
    }

    /** The chain plan when there is one, else a one-stage plan of the whole graph; throws what neither covers. */
    static NetCompiler.Plan plan(ComputationGraph graph, String role, Class<? extends ILossFunction> loss,
                                 Precision precision) throws NotCovered {
        try {
            return NetCompiler.plan(graph, role, loss, precision);
        } catch (NotCovered notAChain) {
            List<NodeFactory> factories = graphPlan(graph, role, loss, precision);
            int inputs = graph.getConfiguration().getNetworkInputs().size();
            // chain input 0: FastNet hands input 0 to the stage, which reads all inputs itself and returns input
            // 0's gradient - D's image, as FastStep expects
            return new NetCompiler.Plan(graph, 0, List.of(views -> {
                List<GraphStage.Node> nodes = new ArrayList<>();
                for (NodeFactory f : factories) nodes.add(f.create(views));
                return new GraphStage(nodes, inputs);
            }));
        }
    }

    private interface OpFactory {
        GraphStage.Op create(FastNet.Views views);
    }

    private record NodeFactory(String name, OpFactory op, int[] from) {
        GraphStage.Node create(FastNet.Views views) {
            return new GraphStage.Node(name, op.create(views), from);
        }
    }

    private static List<NodeFactory> graphPlan(ComputationGraph graph, String role,
                                               Class<? extends ILossFunction> loss, Precision precision)
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
        String lastName = order.get(order.size() - 1);
        if (!conf.getNetworkOutputs().equals(List.of(lastName))) {
            throw new NotCovered(role, lastName, "the GAN step needs " + loss.getSimpleName()
                    + " in the last layer, the network's only output");
        }
        Map<String, Integer> index = new HashMap<>(), consumers = new HashMap<>();
        for (int i = 0; i < order.size(); i++) index.put(order.get(i), i);
        for (List<String> from : conf.getVertexInputs().values()) from.forEach(f -> consumers.merge(f, 1, Integer::sum));

        Map<String, String> moved = ShortcutResampling.find(graph);
        List<NodeFactory> plan = new ArrayList<>();
        for (String name : order) {
            GraphVertex vertex = conf.getVertices().get(name);
            List<String> from = conf.getVertexInputs().get(name);
            int[] src = new int[from.size()];
            for (int j = 0; j < src.length; j++) {
                String f = from.get(j);
                src[j] = inputs.contains(f) ? -1 - inputs.indexOf(f) : index.get(f);
            }
            boolean last = name.equals(lastName);
            OpFactory op;
            if (vertex instanceof MergeVertex merge) {
                if (merge.getMergeAxis() != MergeVertex.DEFAULT_MERGE_DIM) {
                    throw new NotCovered(role, name, "MergeVertex on dimension " + merge.getMergeAxis());
                }
                int arity = src.length;
                op = views -> new GraphStage.Concat(arity);
            } else if (vertex instanceof ElementWiseVertex e) {
                if (e.getOp() != ElementWiseVertex.Op.Add) throw new NotCovered(role, name, "ElementWiseVertex " + e.getOp());
                op = views -> new GraphStage.Add();
            } else if (vertex instanceof ClassAffine) {
                op = views -> new GraphStage.Affine();
            } else if (vertex instanceof RowDot) {
                op = views -> new GraphStage.Dot();
            } else if (vertex instanceof PreprocessorVertex p) {
                if (p.getPreProcessor() instanceof EpsCapture) {
                    op = views -> new GraphStage.Identity();
                } else {
                    NetCompiler.StageFactory reshape = NetCompiler.reshape(role, name, p.getPreProcessor());
                    op = views -> new GraphStage.Single(reshape.create(views));
                }
            } else if (vertex instanceof LayerVertex layerVertex) {
                if (from.size() != 1) throw new NotCovered(role, name, "a layer with more than one input");
                List<NetCompiler.StageFactory> stages = new ArrayList<>();
                if (layerVertex.getPreProcessor() != null) {
                    stages.add(NetCompiler.reshape(role, name, layerVertex.getPreProcessor()));
                }
                String in = from.get(0);
                NetCompiler.StageFactory layer = layer(role, name, graph.getLayer(name), last, loss,
                        inPlace(graph, conf, in, consumers), precision);
                if (layer != null && !moved.containsValue(name)) stages.add(layer);
                String resampling = moved.get(name);
                if (resampling != null) {
                    // the shortcut's resampling, run on the small side of its 1x1 convolution (ShortcutResampling)
                    NetCompiler.StageFactory r = layer(role, resampling, graph.getLayer(resampling), false, loss,
                            false, precision);
                    stages.add(ShortcutResampling.after(graph, resampling) ? stages.size() : 0, r);
                }
                op = views -> {
                    List<Stage> built = new ArrayList<>();
                    for (NetCompiler.StageFactory f : stages) built.add(f.create(views));
                    return built.isEmpty() ? new GraphStage.Identity() : new GraphStage.Sequence(built);
                };
            } else {
                throw new NotCovered(role, name, vertex.getClass().getSimpleName());
            }
            plan.add(new NodeFactory(name, op, src));
        }
        return plan;
    }

    /**
     * Whether an activation layer reading {@code in} may overwrite it: only the output of a vertex whose backward pass
     * does not read its own output (BatchNorm, an add, the class affine), and which nothing else reads.
     */
    private static boolean inPlace(ComputationGraph graph, ComputationGraphConfiguration conf, String in,
                                   Map<String, Integer> consumers) {
        if (consumers.getOrDefault(in, 0) != 1) return false;
        GraphVertex v = conf.getVertices().get(in);
        if (v instanceof ElementWiseVertex || v instanceof ClassAffine) return true;
        return graph.getLayer(in) != null && graph.getLayer(in).conf().getLayer() instanceof BatchNormalization;
    }

    /** The layers NetCompiler does not know, else NetCompiler's stage; null for a loss layer that passes on. */
    private static NetCompiler.StageFactory layer(String role, String name, Layer runtime, boolean last,
                                                  Class<? extends ILossFunction> loss, boolean inPlace,
                                                  Precision precision) throws NotCovered {
        org.deeplearning4j.nn.conf.layers.Layer conf = runtime.conf().getLayer();
        String kind = conf.getClass().getSimpleName();
        if (conf.getClass() == LossLayer.class) {
            LossLayer l = (LossLayer) conf;
            if (!last || !loss.isInstance(l.getLossFn()) || !(l.getActivationFn() instanceof ActivationIdentity)
                    || l.getIDropout() != null) {
                throw new NotCovered(role, name, kind + " with " + l.getLossFn().name() + " and activation "
                        + l.getActivationFn() + " (the GAN step needs " + loss.getSimpleName()
                        + ", no activation, as the last layer)");
            }
            return null;
        }
        if (conf.getClass() == Upsampling2D.class) {
            Upsampling2D u = (Upsampling2D) conf;
            if (!Arrays.equals(u.getSize(), new int[]{2, 2}) || u.getFormat() != CNN2DFormat.NCHW) {
                throw new NotCovered(role, name, kind + " other than x2 NCHW");
            }
            return views -> new PoolStages.Upsample();
        }
        if (conf.getClass() == SubsamplingLayer.class) {
            SubsamplingLayer s = (SubsamplingLayer) conf;
            boolean avg2 = "AVG".equals(String.valueOf(s.getPoolingType()))
                    && Arrays.equals(s.getKernelSize(), new int[]{2, 2}) && Arrays.equals(s.getStride(), new int[]{2, 2})
                    && Arrays.equals(s.getPadding(), new int[]{0, 0}) && s.getConvolutionMode() != ConvolutionMode.Same
                    && s.getCnn2dDataFormat() == CNN2DFormat.NCHW;
            if (!avg2) throw new NotCovered(role, name, kind + " other than 2x2 average pooling with stride 2");
            return views -> new PoolStages.AvgPool();
        }
        if (conf.getClass() == GlobalPoolingLayer.class) {
            GlobalPoolingLayer g = (GlobalPoolingLayer) conf;
            if (!"SUM".equals(String.valueOf(g.getPoolingType())) || !g.isCollapseDimensions()
                    || (g.getPoolingDimensions() != null && !Arrays.equals(g.getPoolingDimensions(), new int[]{2, 3}))) {
                throw new NotCovered(role, name, kind + " other than a sum over positions");
            }
            return views -> new PoolStages.SumPool();
        }
        if (conf.getClass() == BatchNormalization.class && ((BatchNormalization) conf).isLockGammaBeta()) {
            BatchNormalization b = (BatchNormalization) conf;
            if (!b.isMinibatch() || b.getCnn2DFormat() != CNN2DFormat.NCHW) {
                throw new NotCovered(role, name, kind + " with no minibatch or NHWC data");
            }
            return views -> new BatchNormStage(b, views.params(name), views.gradients(name));
        }
        return NetCompiler.layer(role, name, runtime, last, loss, inPlace, precision);
    }
}
