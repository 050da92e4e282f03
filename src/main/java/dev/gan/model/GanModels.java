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
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Builds the DCGAN generator and discriminator as DL4J {@link ComputationGraph}s, for 28x28 images (7 -> 14 -> 28,
 * as in the MNIST DCGANs) and 32/64 (from 4x4, the DCGAN paper's architecture), 1 or 3 channels, optionally
 * class-conditional (CGAN).
 *
 * <p>Generator: z (and a one-hot label) -> projection to the base grid (Dense for 7x7, a 4x4 transposed conv from
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

    private static NeuralNetConfiguration.Builder base(long seed, AdamConfig adam) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(adam.lr(), adam.beta1(), adam.beta2(), 1e-8))
                .weightInit(new NormalDistribution(0, 0.02))
                .convolutionMode(ConvolutionMode.Truncate);
    }

    public static ComputationGraph generator(ModelConfig m, GanShape shape, AdamConfig adam, long seed) {
        int n = upsamplings(shape.size()), side = baseSide(shape.size());
        boolean bn = m.batchNorm();
        int width = m.gWidth() << (n - 1);
        GraphBuilder b = base(seed, adam).graphBuilder();
        String in;
        int nIn = shape.latentSize() + shape.numClasses();
        if (shape.conditional()) {
            b.addInputs(G_Z, G_LABEL).setInputTypes(InputType.feedForward(shape.latentSize()),
                    InputType.feedForward(shape.numClasses()));
            b.addVertex("zy", new MergeVertex(), G_Z, G_LABEL);
            in = "zy";
        } else {
            b.addInputs(G_Z).setInputTypes(InputType.feedForward(shape.latentSize()));
            in = G_Z;
        }
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
            if (bn) prev = batchNorm(b, "g_fc_bn", relu, prev);
        } else {
            b.addLayer("g_proj", new Deconvolution2D.Builder(4, 4).stride(1, 1).padding(0, 0).nOut(width)
                    .activation(bn ? Activation.IDENTITY.getActivationFunction() : relu).hasBias(!bn).build(), in);
            b.inputPreProcessor("g_proj", new FeedForwardToCnnPreProcessor(1, 1, nIn));
            prev = "g_proj";
            if (bn) prev = batchNorm(b, "g_proj_bn", relu, prev);
        }
        for (int i = 1; i < n; i++) {
            width /= 2;
            String name = "g_up" + i;
            b.addLayer(name, deconv(width).activation(bn ? Activation.IDENTITY.getActivationFunction() : relu)
                    .hasBias(!bn).build(), prev);
            prev = bn ? batchNorm(b, name + "_bn", relu, name) : name;
        }
        b.addLayer("g_up" + n, deconv(shape.channels()).activation(Activation.TANH).build(), prev);
        b.addLayer(G_OUT, new CnnLossLayer.Builder(new ExternalGradientLoss()).activation(Activation.IDENTITY).build(),
                "g_up" + n);
        b.setOutputs(G_OUT);
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        return g;
    }

    public static ComputationGraph discriminator(ModelConfig m, GanShape shape, AdamConfig adam, long seed) {
        int n = upsamplings(shape.size());
        boolean bn = m.batchNorm();
        IActivation lrelu = new ActivationLReLU(0.2);
        GraphBuilder b = base(seed, adam).graphBuilder();
        InputType image = InputType.convolutional(shape.size(), shape.size(), shape.channels());
        b.addVertex(D_INPUT_GRAD, new PreprocessorVertex(new EpsCapture()), D_IMAGE);
        String prev = D_INPUT_GRAD;
        if (shape.conditional()) {
            b.addInputs(D_IMAGE, D_LABEL_MAPS).setInputTypes(image,
                    InputType.convolutional(shape.size(), shape.size(), shape.numClasses()));
            b.addVertex("x_y", new MergeVertex(), D_INPUT_GRAD, D_LABEL_MAPS);
            prev = "x_y";
        } else {
            b.addInputs(D_IMAGE).setInputTypes(image);
        }
        int width = m.dWidth();
        for (int i = 1; i <= n; i++) {
            String name = "d_conv" + i;
            boolean norm = bn && m.dBatchNorm() && i > 1;   // DCGAN: no BatchNorm on D's first layer
            ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(4, 4).stride(2, 2).padding(1, 1).nOut(width)
                    .activation(norm ? Activation.IDENTITY.getActivationFunction() : lrelu).hasBias(!norm);
            // DL4J applies a layer's dropout to its input: put it on the next layer so it acts on this one's output
            if (m.dDropout() > 0 && i > 1) conv.dropOut(1 - m.dDropout());
            b.addLayer(name, conv.build(), prev);
            prev = norm ? batchNorm(b, name + "_bn", lrelu, name) : name;
            width *= 2;
        }
        if (m.dMinibatchStddev()) {
            // after the last BatchNorm, which would subtract a value that is the same for the whole batch
            b.addLayer("d_mbstd", new MinibatchStdDev(), prev);
            prev = "d_mbstd";
        }
        OutputLayer.Builder out = new OutputLayer.Builder(new BceWithLogitsLoss()).nOut(1).activation(Activation.IDENTITY);
        if (m.dDropout() > 0) out.dropOut(1 - m.dDropout());
        b.addLayer(D_OUT, out.build(), prev);
        b.setOutputs(D_OUT);
        ComputationGraph d = new ComputationGraph(b.build());
        d.init();
        return d;
    }

    private static Deconvolution2D.Builder deconv(int nOut) {
        return new Deconvolution2D.Builder(4, 4).stride(2, 2).padding(1, 1).nOut(nOut);
    }

    /**
     * BatchNorm and then the activation as its own layer: DL4J 1.0.0-M2.1's BatchNormalization accepts an activation
     * in its builder but never applies it (its activate() returns the normalised values), which left G without any
     * ReLU and D without its LeakyReLUs after BatchNorm, and unconditional training stuck at bright blobs.
     * Returns the name of the activation layer, the block's output.
     */
    private static String batchNorm(GraphBuilder b, String name, IActivation act, String input) {
        b.addLayer(name, new BatchNormalization.Builder().decay(0.9).eps(1e-5).build(), input);
        String out = name.endsWith("_bn") ? name.substring(0, name.length() - 3) + "_act" : name + "_act";
        b.addLayer(out, new ActivationLayer.Builder().activation(act).build(), name);
        return out;
    }

    /** The live gradient tap on D's image input. */
    public static EpsCapture inputGradient(ComputationGraph d) {
        return (EpsCapture) ((org.deeplearning4j.nn.graph.vertex.impl.PreprocessorVertex) d.getVertex(D_INPUT_GRAD))
                .getPreProcessor();
    }

    /** D's live loss, which also reports the mean probability of the batch it last scored. */
    public static BceWithLogitsLoss discriminatorLoss(ComputationGraph d) {
        return (BceWithLogitsLoss) ((BaseOutputLayer<?>) d.getOutputLayer(0)).layerConf().getLossFn();
    }
}
