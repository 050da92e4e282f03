package dev.gan.step.fast;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ResNets' shortcuts resample around a 1x1 convolution: G's upsample (nearest, x2) and then convolve, D's
 * convolve and then average-pool. A 1x1 convolution maps each position on its own, so it commutes with both: the
 * convolution then upsampling, or pooling then the convolution, is the same function with the convolution on the
 * small grid - a quarter of its multiply-adds (ResNet-32's three G shortcuts were 7% of the step on one thread).
 * Nearest upsampling also commutes with any activation; averaging keeps the bias as it is but commutes with no other
 * activation than the identity. {@link GraphCompiler} runs each such pair as one stage sequence in the convolution's
 * vertex, and the resampling's own vertex passes its input on.
 */
final class ShortcutResampling {
    private ShortcutResampling() {
    }

    /** The 1x1 convolutions whose resampling moves, each with the name of its resampling layer. */
    static Map<String, String> find(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Map<String, String> moves = new HashMap<>();
        for (String name : conf.getVertices().keySet()) {
            if (!bare(conf, name) || !(layer(graph, name) instanceof ConvolutionLayer c) || !pointwise(c)) continue;
            List<String> from = conf.getVertexInputs().get(name);
            String in = from.size() == 1 ? from.get(0) : null;
            boolean upsampled = in != null && bare(conf, in) && layer(graph, in) instanceof Upsampling2D;
            if (upsampled && onlyReader(conf, in, name)) {
                moves.put(name, in);
                continue;
            }
            List<String> readers = readers(conf, name);
            if (readers.size() != 1 || conf.getNetworkOutputs().contains(name)) continue;
            String out = readers.get(0);
            if (c.getActivationFn() instanceof ActivationIdentity && bare(conf, out)
                    && layer(graph, out) instanceof SubsamplingLayer && conf.getVertexInputs().get(out).size() == 1) {
                moves.put(name, out);
            }
        }
        return moves;
    }

    /** Whether the resampling that moves into {@code conv}'s vertex runs after it (upsampling) or before (pooling). */
    static boolean after(ComputationGraph graph, String resampling) {
        return layer(graph, resampling) instanceof Upsampling2D;
    }

    /** A plain ConvolutionLayer (not a deconvolution) with a 1x1 kernel, stride 1 and no padding. */
    private static boolean pointwise(ConvolutionLayer c) {
        return c.getClass() == ConvolutionLayer.class && Arrays.equals(c.getKernelSize(), new int[]{1, 1})
                && Arrays.equals(c.getStride(), new int[]{1, 1}) && Arrays.equals(c.getPadding(), new int[]{0, 0});
    }

    /** A layer vertex with no preprocessor. */
    private static boolean bare(ComputationGraphConfiguration conf, String vertex) {
        return conf.getVertices().get(vertex) instanceof LayerVertex v && v.getPreProcessor() == null;
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layer(ComputationGraph graph, String vertex) {
        return graph.getLayer(vertex) == null ? null : graph.getLayer(vertex).conf().getLayer();
    }

    private static boolean onlyReader(ComputationGraphConfiguration conf, String vertex, String reader) {
        return !conf.getNetworkOutputs().contains(vertex) && readers(conf, vertex).equals(List.of(reader))
                && conf.getVertexInputs().get(reader).size() == 1;
    }

    private static List<String> readers(ComputationGraphConfiguration conf, String vertex) {
        return conf.getVertexInputs().entrySet().stream().filter(e -> e.getValue().contains(vertex))
                .map(Map.Entry::getKey).toList();
    }
}
