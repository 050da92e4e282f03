package dev.gan.step;

import dev.gan.system.Backend;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spectral norm's maths, in double precision on a small graph with every layer kind it normalises (Convolution,
 * Deconvolution2D, Dense, Output), independent of the GAN step:
 * <ul>
 *   <li>the gradient it gives the raw weights is the derivative of the loss of the network with W / sigma(W),
 *       sigma(W) = u^T Wm v with u and v held constant (torch's spectral_norm), against central finite differences
 *       (h = 1e-6). Tolerance 1e-6 of the layer's largest gradient: the measured error is 3e-11 to 7e-11 of gradients
 *       of 6e-2 to 2e-1, the rounding of the finite differences; a wrong term of
 *       dL/dW = (G - &lt;G, W/sigma&gt; u v^T) / sigma changes the gradient at the scale of the gradient itself;</li>
 *   <li>the power iteration reads each layout with the right "out" axis: u has the layer's output channels, and sigma
 *       converges to the largest singular value of the matrix built here element by element from W's documented
 *       layout (a wrong grouping - e.g. a transposed conv read as (in, out kh kw) - has other singular values).</li>
 * </ul>
 */
class SpectralNormTest {
    private static final double H = 1e-6;

    @BeforeAll
    static void init() {
        Backend.init();
    }

    private static ComputationGraph net() {
        var conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(4, 4, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(3).activation(Activation.TANH).build(), "x")
                .addLayer("deconv", new Deconvolution2D.Builder(2, 2).stride(2, 2).nOut(2).activation(Activation.TANH).build(), "conv")
                .addLayer("dense", new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(), "deconv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build(), "dense")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void rawWeightGradientMatchesFiniteDifferences() {
        ComputationGraph g = net();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 2, 4, 4).subi(0.5);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 1, 3);
        SpectralNorm sn = SpectralNorm.of(g, 9);
        sn.beginTrainingPass();
        g.setInputs(x);
        g.setLabels(y);
        g.computeGradientAndScore();
        sn.endTrainingPass(true);   // u and v of this pass stay: bake below uses them, without iterating
        ComputationGraph probe = SpectralNorm.copyOf(g);
        SplittableRandom r = new SplittableRandom(4);
        for (String layer : new String[]{"conv", "deconv", "dense", "out"}) {
            INDArray w = g.getLayer(layer).getParam("W");
            INDArray wGrad = gradientOfW(g, layer);
            double scale = wGrad.amaxNumber().doubleValue(), worst = 0;
            for (int k = 0; k < 8; k++) {
                long[] at = new long[w.rank()];
                for (int d = 0; d < at.length; d++) at[d] = r.nextInt((int) w.size(d));
                double w0 = w.getDouble(at);
                w.putScalar(at, w0 + H);
                double plus = score(g, sn, probe, x, y);
                w.putScalar(at, w0 - H);
                double minus = score(g, sn, probe, x, y);
                w.putScalar(at, w0);
                double numeric = (plus - minus) / (2 * H);
                worst = Math.max(worst, Math.abs(numeric - wGrad.getDouble(at)));
            }
            System.out.printf(Locale.ROOT, "%s: max |analytic - numeric| %.2e of max |grad| %.2e%n", layer, worst, scale);
            assertTrue(worst <= 1e-6 * scale, layer + ": " + worst + " vs " + scale);
        }
    }

    private static INDArray gradientOfW(ComputationGraph g, String layer) {
        var l = g.getLayer(layer);
        return l.conf().getLayer().initializer().getGradientsFromFlattened(l.conf(), l.getGradientsViewArray()).get("W");
    }

    /** The loss with every layer's weight W / (u^T Wm v), u and v as stored. */
    private static double score(ComputationGraph g, SpectralNorm sn, ComputationGraph probe, INDArray x, INDArray y) {
        probe.params().assign(g.params());
        sn.bake(probe);
        probe.setInputs(x);
        probe.setLabels(y);
        probe.computeGradientAndScore();
        return probe.score();
    }

    @Test
    void powerIterationFindsTheLargestSingularValueOfEachLayout() {
        ComputationGraph g = net();
        SpectralNorm sn = SpectralNorm.of(g, 1);
        for (int i = 0; i < 200; i++) {
            sn.beginTrainingPass();
            sn.endTrainingPass(false);
        }
        Map<String, Double> sigmas = sn.sigmas();
        Map<String, float[][]> vectors = sn.vectors();
        assertEquals(3, vectors.get("conv")[0].length, "conv [out, in, kh, kw]: u has out = 3");
        assertEquals(2, vectors.get("deconv")[0].length, "deconv [in, out, kh, kw]: u has out = 2");
        assertEquals(5, vectors.get("dense")[0].length, "dense [nIn, nOut]: u has nOut = 5");
        assertEquals(3, vectors.get("out")[0].length);
        for (String layer : new String[]{"conv", "deconv", "dense", "out"}) {
            double expected = largestSingularValue(matrix(g.getLayer(layer).getParam("W"), layer));
            System.out.printf(Locale.ROOT, "%s: sigma %.12f, reference %.12f%n", layer, sigmas.get(layer), expected);
            assertEquals(expected, sigmas.get(layer), 1e-9 * expected, layer);
        }
    }

    /** Wm[out][in * kh * kw] from W's layout, element by element. */
    private static double[][] matrix(INDArray w, String layer) {
        long[] s = w.shape();
        if (layer.equals("conv") || layer.equals("deconv")) {
            boolean t = layer.equals("deconv");
            int out = (int) (t ? s[1] : s[0]), in = (int) (t ? s[0] : s[1]), kh = (int) s[2], kw = (int) s[3];
            double[][] m = new double[out][in * kh * kw];
            for (int o = 0; o < out; o++)
                for (int i = 0; i < in; i++)
                    for (int a = 0; a < kh; a++)
                        for (int b = 0; b < kw; b++)
                            m[o][(i * kh + a) * kw + b] = t ? w.getDouble(i, o, a, b) : w.getDouble(o, i, a, b);
            return m;
        }
        double[][] m = new double[(int) s[1]][(int) s[0]];
        for (int i = 0; i < s[0]; i++) for (int o = 0; o < s[1]; o++) m[o][i] = w.getDouble(i, o);
        return m;
    }

    /** Power iteration on m^T m in double, to convergence. */
    private static double largestSingularValue(double[][] m) {
        int cols = m[0].length;
        double[] v = new double[cols];
        java.util.Arrays.fill(v, 1);
        double sigma = 0;
        for (int it = 0; it < 5_000; it++) {
            double[] u = new double[m.length];
            for (int o = 0; o < m.length; o++) for (int c = 0; c < cols; c++) u[o] += m[o][c] * v[c];
            double[] next = new double[cols];
            for (int o = 0; o < m.length; o++) for (int c = 0; c < cols; c++) next[c] += m[o][c] * u[o];
            double norm = 0;
            for (double f : next) norm += f * f;
            norm = Math.sqrt(norm);
            for (int c = 0; c < cols; c++) v[c] = next[c] / norm;
            sigma = Math.sqrt(norm);
        }
        return sigma;
    }
}
