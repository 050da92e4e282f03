package dev.gan.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiply-adds per image of a network's convolution, transposed-convolution and dense layers (an OutputLayer is a
 * dense layer with a loss): the layers that do nearly all of a GAN step's arithmetic. BatchNorm, activations,
 * pooling, merges and losses are left out, as the benchmark's FLOP convention leaves them out. Read from the built
 * graph's layer configurations and the activation shapes DL4J derives from the inputs GraphParts declares, so the
 * count follows whatever the architecture builds.
 *
 * @param forward    one forward pass
 * @param entry      the layers that no other counted layer feeds, directly or through pooling, reshapes or merges
 *                   (a network's first layers): their input gradient is needed only when a gradient has to reach
 *                   the network's inputs
 * @param labelEntry the entry layers that do not read the network's first input (the image of D, z of G): the
 *                   embeddings of class labels, whose input gradient is never needed
 */
public record NetworkMacs(long forward, long entry, long labelEntry) {

    /** G's multiply-adds per generated image. */
    public static NetworkMacs generator(ComputationGraph g, GanShape shape) {
        return of(g.getConfiguration(), GraphParts.generatorInputTypes(shape));
    }

    /** D's multiply-adds per scored image. */
    public static NetworkMacs discriminator(ComputationGraph d, GanShape shape) {
        return of(d.getConfiguration(), GraphParts.discriminatorInputTypes(shape));
    }

    static NetworkMacs of(ComputationGraphConfiguration conf, InputType... inputs) {
        // on a copy: DL4J 1.0.0-M2.1 applies a layer's own preprocessor here only when told it may add missing ones
        // (false fails at D's flattening OutputLayer), and adding them would change the live graph's configuration
        Map<String, InputType> out = new HashMap<>(conf.clone().getLayerActivationTypes(true, inputs));
        List<String> networkInputs = conf.getNetworkInputs();
        for (int i = 0; i < inputs.length; i++) out.put(networkInputs.get(i), inputs[i]);
        Upstream up = new Upstream(conf, networkInputs.get(0));
        long forward = 0, entry = 0, labelEntry = 0;
        for (Map.Entry<String, GraphVertex> v : conf.getVertices().entrySet()) {
            if (!(v.getValue() instanceof LayerVertex lv)) continue;
            List<String> in = conf.getVertexInputs().get(v.getKey());
            InputType input = out.get(in.get(0));
            InputPreProcessor pre = lv.getPreProcessor();
            if (pre != null) input = pre.getOutputType(input);
            long macs = macs(lv.getLayerConf().getLayer(), input, out.get(v.getKey()));
            if (macs == 0) continue;
            forward += macs;
            if (in.stream().noneMatch(up::counted)) {
                entry += macs;
                if (in.stream().noneMatch(up::readsFirstInput)) labelEntry += macs;
            }
        }
        return new NetworkMacs(forward, entry, labelEntry);
    }

    /**
     * One layer's multiply-adds per image, 0 for a layer that is not counted. A convolution does kH*kW*inC of them
     * for every output value; a transposed convolution scatters every input value into kH*kW*outC outputs.
     */
    static long macs(Layer layer, InputType in, InputType out) {
        if (layer instanceof ConvolutionLayer c) {
            var grid = (InputType.InputTypeConvolutional) (c instanceof Deconvolution2D ? in : out);
            return grid.getHeight() * grid.getWidth() * c.getNIn() * c.getNOut() * c.getKernelSize()[0]
                    * c.getKernelSize()[1];
        }
        if (layer instanceof DenseLayer d) return d.getNIn() * d.getNOut();
        if (layer instanceof BaseOutputLayer o) return o.getNIn() * o.getNOut();
        return 0;
    }

    /** What lies upstream of each vertex: a counted layer, and the network's first input. */
    private static final class Upstream {
        private final ComputationGraphConfiguration conf;
        private final String firstInput;
        private final Map<String, Boolean> counted = new HashMap<>(), first = new HashMap<>();

        Upstream(ComputationGraphConfiguration conf, String firstInput) {
            this.conf = conf;
            this.firstInput = firstInput;
        }

        /** Whether {@code vertex} is a counted layer or has one upstream. */
        boolean counted(String vertex) {
            Boolean known = counted.get(vertex);
            if (known != null) return known;
            GraphVertex v = conf.getVertices().get(vertex);
            boolean result = v instanceof LayerVertex lv && isCounted(lv.getLayerConf().getLayer());
            List<String> in = conf.getVertexInputs().get(vertex);
            if (!result && in != null) result = in.stream().anyMatch(this::counted);
            counted.put(vertex, result);
            return result;
        }

        /** Whether {@code vertex} is the network's first input or reads it, directly or not. */
        boolean readsFirstInput(String vertex) {
            if (vertex.equals(firstInput)) return true;
            Boolean known = first.get(vertex);
            if (known != null) return known;
            List<String> in = conf.getVertexInputs().get(vertex);
            boolean result = in != null && in.stream().anyMatch(this::readsFirstInput);
            first.put(vertex, result);
            return result;
        }

        private static boolean isCounted(Layer layer) {
            return layer instanceof ConvolutionLayer || layer instanceof DenseLayer || layer instanceof BaseOutputLayer;
        }
    }
}
