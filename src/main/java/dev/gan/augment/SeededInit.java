package dev.gan.augment;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Seeded initial weights for a freshly built classifier. DL4J 1.0.0-M2.1 does not reproduce a graph's initial
 * weights from the seed in its configuration (two builds with the same seed start from different weights, while
 * training from equal weights is repeatable), and the study promises that a seed reproduces its numbers. So the
 * weights are redrawn here from the seed, from the distributions the classifier's configuration names: He-normal
 * (std sqrt(2 / fan-in)) for the ReLU layers, Xavier-normal (std sqrt(2 / (fan-in + fan-out))) for the softmax
 * layer, biases 0.
 */
final class SeededInit {
    private SeededInit() {
    }

    static void apply(ComputationGraph net, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
        for (Layer layer : net.getLayers()) {
            INDArray w = layer.paramTable().get("W");
            if (w == null) continue;
            long[] s = w.shape();
            // convolution weights are [out, in, kh, kw]; dense and output weights [in, out]
            double fanIn = s.length == 4 ? s[1] * s[2] * s[3] : s[0], fanOut = s.length == 4 ? s[0] * s[2] * s[3] : s[1];
            boolean softmax = layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.OutputLayer;
            double std = softmax ? Math.sqrt(2.0 / (fanIn + fanOut)) : Math.sqrt(2.0 / fanIn);
            float[] v = new float[(int) w.length()];
            for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
            w.assign(Nd4j.create(v, s, DataType.FLOAT));
            INDArray b = layer.paramTable().get("b");
            if (b != null) b.assign(0);
        }
    }
}
