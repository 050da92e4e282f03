package dev.gan.model;

import dev.gan.config.AdamConfig;
import dev.gan.config.ModelConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;

/**
 * The DCGAN generator and discriminator as DL4J {@link ComputationGraph}s, for 28x28 images (7 -> 14 -> 28,
 * as in the MNIST DCGANs) and 32/64/128 (from 4x4, the DCGAN paper's architecture), 1 or 3 channels, optionally
 * class-conditional (CGAN) by concatenated labels or by projection ({@link GraphParts}): {@code model.arch dcgan}.
 *
 * <p>Generator: z (and a one-hot label, with concat conditioning) -> projection to the base grid (Dense for 7x7, a
 * 4x4 transposed conv from 1x1 for 4x4) -> [ConvT k4 s2 p1 + BN + ReLU] x n -> ConvT to the image + tanh. Width halves at each step and is
 * {@code g_width} before the last. Discriminator: image (and label maps as extra channels) -> [Conv k4 s2 p1 +
 * (BN) + LeakyReLU 0.2] x n, width doubling from {@code d_width} -> one logit. All weights N(0, 0.02).
 *
 * <p>The generator ends in a {@link CnnLossLayer} with {@link ExternalGradientLoss} so that its step can be a
 * plain {@code fit} on D's input gradient; D starts with an {@link EpsCapture} vertex that records that gradient,
 * and ends in a logit with {@link BceWithLogitsLoss} ({@link GraphParts}).
 */
final class DcganModels implements ModelBuilder {
    @Override
    public ComputationGraph generator(ModelConfig m, GanShape shape, AdamConfig adam, long seed) {
        int n = GanModels.upsamplings(shape.size()), side = GanModels.baseSide(shape.size());
        boolean bn = m.batchNorm();
        GraphParts.Norm norm = GraphParts.generatorNorm(m, shape);
        int width = m.gWidth() << (n - 1);
        GraphBuilder b = GraphParts.base(seed, adam).graphBuilder();
        String in = GraphParts.generatorInputs(b, m, shape);
        int nIn = shape.latentSize() + (shape.conditional() && m.generatorConcat() ? shape.numClasses() : 0);
        IActivation relu = Activation.RELU.getActivationFunction();
        String prev;
        if (side == 7) {
            b.addLayer("g_fc", new DenseLayer.Builder().nIn(nIn).nOut((long) width * side * side)
                    .activation(bn ? Activation.IDENTITY.getActivationFunction() : relu).hasBias(!bn).build(), in);
            prev = "g_fc";
            // Reshape to width x 7 x 7 *before* BatchNorm, so that it normalises per channel as in the DCGAN paper.
            // Per-feature BatchNorm on the 6272 Dense outputs forces every pixel of the 7x7 map to vary across the
            // batch (no position can stay background) and measurably gives speckled samples.
            String next = bn ? "g_fc_bn" : "g_up1";
            b.inputPreProcessor(next, new FeedForwardToCnnPreProcessor(side, side, width));
            if (bn) prev = GraphParts.normalise(b, norm, "g_fc_bn", width, relu, prev);
        } else {
            b.addLayer("g_proj", new Deconvolution2D.Builder(4, 4).stride(1, 1).padding(0, 0).nOut(width)
                    .activation(bn ? Activation.IDENTITY.getActivationFunction() : relu).hasBias(!bn).build(), in);
            b.inputPreProcessor("g_proj", new FeedForwardToCnnPreProcessor(1, 1, nIn));
            prev = "g_proj";
            if (bn) prev = GraphParts.normalise(b, norm, "g_proj_bn", width, relu, prev);
        }
        for (int i = 1; i < n; i++) {
            width /= 2;
            String name = "g_up" + i;
            b.addLayer(name, deconv(width).activation(bn ? Activation.IDENTITY.getActivationFunction() : relu)
                    .hasBias(!bn).build(), prev);
            prev = bn ? GraphParts.normalise(b, norm, name + "_bn", width, relu, name) : name;
        }
        b.addLayer("g_up" + n, deconv(shape.channels()).activation(Activation.TANH).build(), prev);
        return GraphParts.generatorOutput(b, "g_up" + n);
    }

    @Override
    public ComputationGraph discriminator(ModelConfig m, GanShape shape, AdamConfig adam, long seed) {
        int n = GanModels.upsamplings(shape.size());
        boolean bn = m.batchNorm();
        IActivation lrelu = new ActivationLReLU(0.2);
        GraphBuilder b = GraphParts.base(seed, adam).graphBuilder();
        String prev = GraphParts.discriminatorInputs(b, shape);
        int width = m.dWidth();
        for (int i = 1; i <= n; i++) {
            String name = "d_conv" + i;
            boolean norm = bn && m.dBatchNorm() && i > 1;   // DCGAN: no BatchNorm on D's first layer
            ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(4, 4).stride(2, 2).padding(1, 1).nOut(width)
                    .activation(norm ? Activation.IDENTITY.getActivationFunction() : lrelu).hasBias(!norm);
            // DL4J applies a layer's dropout to its input: put it on the next layer so it acts on this one's output
            if (m.dDropout() > 0 && i > 1) conv.dropOut(1 - m.dDropout());
            b.addLayer(name, conv.build(), prev);
            prev = norm ? GraphParts.normalise(b, PLAIN_NORM, name + "_bn", width, lrelu, name) : name;
            width *= 2;
        }
        width /= 2;
        int side = shape.size() >> n;
        if (m.dMinibatchStddev()) {
            // after the last BatchNorm, which would subtract a value that is the same for the whole batch
            b.addLayer("d_mbstd", new MinibatchStdDev(), prev);
            prev = "d_mbstd";
            width++;
        }
        if (shape.projection()) {
            // the projection needs phi as a vector: D's last feature map, flattened (StudioGAN's deep_conv D)
            b.addVertex("d_phi", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(side, side, width)), prev);
            prev = "d_phi";
        }
        GraphParts.head(b, prev, (long) width * side * side, shape.projection(), m.dDropout());
        b.setOutputs(GanModels.D_OUT);
        ComputationGraph d = new ComputationGraph(b.build());
        d.init();
        return d;
    }

    private static final GraphParts.Norm PLAIN_NORM = new GraphParts.Norm(true, 0);

    private static Deconvolution2D.Builder deconv(int nOut) {
        return new Deconvolution2D.Builder(4, 4).stride(2, 2).padding(1, 1).nOut(nOut);
    }
}
