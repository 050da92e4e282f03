package dev.gan.model;

import dev.gan.config.AdamConfig;
import dev.gan.config.ModelConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Builds the DCGAN generator and discriminator as DL4J {@link ComputationGraph}s, for 28x28 images (7 -> 14 -> 28,
 * as in the MNIST DCGANs) and 32/64/128 (from 4x4, the DCGAN paper's architecture), 1 or 3 channels, optionally
 * class-conditional (CGAN) by concatenated labels or by projection ({@link GraphParts}); hands {@code model.arch
 * resnet} to {@link ResNetModels}, which shares the inputs, outputs and conditioning built here.
 *
 * <p>Generator: z (and a one-hot label, with concat conditioning) -> projection to the base grid (Dense for 7x7, a 4x4 transposed conv from
 * 1x1 for 4x4) -> [ConvT k4 s2 p1 + BN + ReLU] x n -> ConvT to the image + tanh. Width halves at each step and is
 * {@code g_width} before the last. Discriminator: image (and label maps as extra channels) -> [Conv k4 s2 p1 +
 * (BN) + LeakyReLU 0.2] x n, width doubling from {@code d_width} -> one logit. All weights N(0, 0.02).
 *
 * <p>The generator ends in a {@link CnnLossLayer} with {@link ExternalGradientLoss} so that its step can be a
 * plain {@code fit} on D's input gradient; D starts with an {@link EpsCapture} vertex that records that gradient,
 * and ends in a logit with {@link BceWithLogitsLoss}. See shared/DL4J-NOTES.md section 2.
 */
public final class GanModels {
    public static final String G_Z = "z";
    public static final String G_LABEL = "y";
    public static final String G_OUT = "g_out";
    public static final String D_IMAGE = "x";
    public static final String D_LABEL_MAPS = "ymap";
    /** A projection D's label input: one-hot rows. */
    public static final String D_LABEL = "y";
    public static final String D_INPUT_GRAD = "x_grad";
    public static final String D_OUT = "d_out";

    private GanModels() {
    }

    /** Spatial side of the generator's first feature map: 7 for 28x28, 4 for powers of two. */
    static int baseSide(int size) {
        return size == 28 ? 7 : 4;
    }

    /** Number of stride-2 layers in each network. */
    static int upsamplings(int size) {
        int s = baseSide(size), n = 0;
        while (s < size) {
            s *= 2;
            n++;
        }
        if (s != size) throw new IllegalArgumentException("unsupported image size " + size);
        return n;
    }

    static NeuralNetConfiguration.Builder base(long seed, AdamConfig adam) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(adam.lr(), adam.beta1(), adam.beta2(), 1e-8))
                .weightInit(new NormalDistribution(0, 0.02))
                .convolutionMode(ConvolutionMode.Truncate);
    }

    /** G for {@code m.arch()}: the DCGAN below or {@link ResNetModels#generator}. */
    public static ComputationGraph generator(ModelConfig m, GanShape shape, AdamConfig adam, long seed) {
        if ("resnet".equals(m.arch())) return ResNetModels.generator(m, shape, adam, seed);
        int n = upsamplings(shape.size()), side = baseSide(shape.size());
        boolean bn = m.batchNorm();
        GraphParts.Norm norm = generatorNorm(m, shape);
        int width = m.gWidth() << (n - 1);
        GraphBuilder b = base(seed, adam).graphBuilder();
        String in = generatorInputs(b, m, shape);
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
        return generatorOutput(b, "g_up" + n);
    }

    /** G's BatchNorms: conditional on the class when {@link ModelConfig#generatorCbn()} says so. */
    static GraphParts.Norm generatorNorm(ModelConfig m, GanShape shape) {
        return new GraphParts.Norm(m.batchNorm(), m.generatorCbn() ? shape.numClasses() : 0);
    }

    /**
     * Declares G's inputs (z, and the one-hot label for a conditional G) and returns what its first layer reads:
     * z and the label concatenated when {@link ModelConfig#generatorConcat()}, else z (the label then reaches G only
     * through its conditional BatchNorms).
     */
    static String generatorInputs(GraphBuilder b, ModelConfig m, GanShape shape) {
        if (!shape.conditional()) {
            b.addInputs(G_Z).setInputTypes(InputType.feedForward(shape.latentSize()));
            return G_Z;
        }
        b.addInputs(G_Z, G_LABEL).setInputTypes(InputType.feedForward(shape.latentSize()),
                InputType.feedForward(shape.numClasses()));
        if (!m.generatorConcat()) return G_Z;
        b.addVertex("zy", new MergeVertex(), G_Z, G_LABEL);
        return "zy";
    }

    /** G's loss layer, whose "labels" are D's gradient (see the class comment), then the built graph. */
    static ComputationGraph generatorOutput(GraphBuilder b, String image) {
        b.addLayer(G_OUT, new CnnLossLayer.Builder(new ExternalGradientLoss()).activation(Activation.IDENTITY).build(),
                image);
        b.setOutputs(G_OUT);
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        return g;
    }

    /**
     * Declares D's inputs (the image, and for a conditional D its label maps or, for a projection D, its one-hot
     * label) and returns what its first layer reads: the image through the input-gradient tap, concatenated with the
     * label maps for the concat conditioning.
     */
    static String discriminatorInputs(GraphBuilder b, GanShape shape) {
        InputType image = InputType.convolutional(shape.size(), shape.size(), shape.channels());
        b.addVertex(D_INPUT_GRAD, new PreprocessorVertex(new EpsCapture()), D_IMAGE);
        if (!shape.conditional()) {
            b.addInputs(D_IMAGE).setInputTypes(image);
            return D_INPUT_GRAD;
        }
        if (shape.projection()) {
            b.addInputs(D_IMAGE, D_LABEL).setInputTypes(image, InputType.feedForward(shape.numClasses()));
            return D_INPUT_GRAD;
        }
        b.addInputs(D_IMAGE, D_LABEL_MAPS).setInputTypes(image,
                InputType.convolutional(shape.size(), shape.size(), shape.numClasses()));
        b.addVertex("x_y", new MergeVertex(), D_INPUT_GRAD, D_LABEL_MAPS);
        return "x_y";
    }

    /** D for {@code m.arch()}: the DCGAN below or {@link ResNetModels#discriminator}. */
    public static ComputationGraph discriminator(ModelConfig m, GanShape shape, AdamConfig adam, long seed) {
        if ("resnet".equals(m.arch())) return ResNetModels.discriminator(m, shape, adam, seed);
        int n = upsamplings(shape.size());
        boolean bn = m.batchNorm();
        IActivation lrelu = new ActivationLReLU(0.2);
        GraphBuilder b = base(seed, adam).graphBuilder();
        String prev = discriminatorInputs(b, shape);
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
        b.setOutputs(D_OUT);
        ComputationGraph d = new ComputationGraph(b.build());
        d.init();
        return d;
    }

    private static final GraphParts.Norm PLAIN_NORM = new GraphParts.Norm(true, 0);

    private static Deconvolution2D.Builder deconv(int nOut) {
        return new Deconvolution2D.Builder(4, 4).stride(2, 2).padding(1, 1).nOut(nOut);
    }

    /** The live gradient tap on D's image input. */
    public static EpsCapture inputGradient(ComputationGraph d) {
        return (EpsCapture) ((org.deeplearning4j.nn.graph.vertex.impl.PreprocessorVertex) d.getVertex(D_INPUT_GRAD))
                .getPreProcessor();
    }

    /** D's live loss, which also reports the mean probability of the batch it last scored. */
    public static BceWithLogitsLoss discriminatorLoss(ComputationGraph d) {
        org.deeplearning4j.nn.conf.layers.Layer out = d.getOutputLayer(0).conf().getLayer();
        // a projection D ends in a LossLayer after the add of its two logit terms; the others in an OutputLayer
        return (BceWithLogitsLoss) (out instanceof LossLayer l ? l.getLossFn()
                : ((org.deeplearning4j.nn.conf.layers.BaseOutputLayer) out).getLossFn());
    }
}
