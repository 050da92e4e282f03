package dev.gan.model;

import dev.gan.config.AdamConfig;
import dev.gan.config.ModelConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Pieces every architecture shares: the DL4J settings every layer starts from, G's and D's inputs (with the
 * conditioning), G's output through the gradient-taking loss, the normalisation of G's hidden layers (plain or
 * conditional BatchNorm, each followed by its own activation layer) and D's head (a dense logit, plus the projection term for a projection
 * discriminator).
 */
final class GraphParts {
    private GraphParts() {
    }

    static NeuralNetConfiguration.Builder base(long seed, AdamConfig adam) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(adam.lr(), adam.beta1(), adam.beta2(), 1e-8))
                .weightInit(new NormalDistribution(0, 0.02))
                .convolutionMode(ConvolutionMode.Truncate);
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
            b.addInputs(GanModels.G_Z).setInputTypes(generatorInputTypes(shape));
            return GanModels.G_Z;
        }
        b.addInputs(GanModels.G_Z, GanModels.G_LABEL).setInputTypes(generatorInputTypes(shape));
        if (!m.generatorConcat()) return GanModels.G_Z;
        b.addVertex("zy", new MergeVertex(), GanModels.G_Z, GanModels.G_LABEL);
        return "zy";
    }

    /** G's loss layer, whose "labels" are D's gradient (see the class comment), then the built graph. */
    static ComputationGraph generatorOutput(GraphBuilder b, String image) {
        b.addLayer(GanModels.G_OUT, new CnnLossLayer.Builder(new ExternalGradientLoss()).activation(Activation.IDENTITY).build(),
                image);
        b.setOutputs(GanModels.G_OUT);
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
        b.addVertex(GanModels.D_INPUT_GRAD, new PreprocessorVertex(new EpsCapture()), GanModels.D_IMAGE);
        if (!shape.conditional()) {
            b.addInputs(GanModels.D_IMAGE).setInputTypes(discriminatorInputTypes(shape));
            return GanModels.D_INPUT_GRAD;
        }
        if (shape.projection()) {
            b.addInputs(GanModels.D_IMAGE, GanModels.D_LABEL).setInputTypes(discriminatorInputTypes(shape));
            return GanModels.D_INPUT_GRAD;
        }
        b.addInputs(GanModels.D_IMAGE, GanModels.D_LABEL_MAPS).setInputTypes(discriminatorInputTypes(shape));
        b.addVertex("x_y", new MergeVertex(), GanModels.D_INPUT_GRAD, GanModels.D_LABEL_MAPS);
        return "x_y";
    }

    /**
     * The types of G's inputs, in the order {@link #generatorInputs} declares them: z, and the one-hot label of a
     * conditional G. Kept apart so that whoever reads a built graph's shapes ({@link NetworkMacs}) uses these.
     */
    static InputType[] generatorInputTypes(GanShape shape) {
        InputType z = InputType.feedForward(shape.latentSize());
        return shape.conditional() ? new InputType[]{z, InputType.feedForward(shape.numClasses())} : new InputType[]{z};
    }

    /** The types of D's inputs, in the order {@link #discriminatorInputs} declares them: the image, then the label. */
    static InputType[] discriminatorInputTypes(GanShape shape) {
        InputType image = InputType.convolutional(shape.size(), shape.size(), shape.channels());
        if (!shape.conditional()) return new InputType[]{image};
        return new InputType[]{image, shape.projection() ? InputType.feedForward(shape.numClasses())
                : InputType.convolutional(shape.size(), shape.size(), shape.numClasses())};
    }

    /**
     * How G's hidden layers are normalised.
     *
     * @param batchNorm   BatchNorm at all (model.batch_norm)
     * @param classes     > 0: conditional BatchNorm on this many classes, read from G's label input
     */
    record Norm(boolean batchNorm, int classes) {
        boolean conditional() {
            return batchNorm && classes > 0;
        }
    }

    /**
     * {@code input} normalised as {@code norm} says and then activated; returns the activation layer's name.
     * BatchNorm and the activation are separate layers: DL4J 1.0.0-M2.1's BatchNormalization accepts an activation
     * in its builder but never applies it (its activate() returns the normalised values), which once left G without
     * any ReLU and D without its LeakyReLUs after BatchNorm. Conditional BatchNorm is a BatchNorm with its gain and
     * bias locked at 1 and 0, then {@link ClassAffine} with a gain (initialised at 1) and a bias (at 0) per class
     * and channel, from two embeddings of the label.
     *
     * @param name     the BatchNorm's name, ending in "_bn"; the activation is then "..._act"
     * @param channels channels (or features) of {@code input}
     */
    static String normalise(GraphBuilder b, Norm norm, String name, long channels, IActivation act, String input) {
        String base = name.endsWith("_bn") ? name.substring(0, name.length() - 3) : name;
        String out = base + "_act";
        String normed = input;
        if (norm.batchNorm()) {
            BatchNormalization.Builder bn = new BatchNormalization.Builder().decay(0.9).eps(1e-5);
            if (norm.conditional()) bn.lockGammaBeta(true).gamma(1).beta(0);
            b.addLayer(name, bn.build(), input);
            normed = name;
            if (norm.conditional()) {
                b.addLayer(base + "_gain", embedding(channels, WeightInit.ONES), GanModels.G_LABEL);
                b.addLayer(base + "_bias", embedding(channels, WeightInit.ZERO), GanModels.G_LABEL);
                b.addVertex(base + "_cbn", new ClassAffine(), name, base + "_gain", base + "_bias");
                normed = base + "_cbn";
            }
        }
        b.addLayer(out, new ActivationLayer.Builder().activation(act).build(), normed);
        return out;
    }

    /** A class embedding: the one-hot label times a [classes, n] matrix, i.e. one row per class. */
    static DenseLayer embedding(long n, WeightInit init) {
        return new DenseLayer.Builder().nOut(n).hasBias(false).activation(Activation.IDENTITY).weightInit(init).build();
    }

    /**
     * D's logit from its features {@code phi} ([B, features]) and the loss layer D_OUT. With {@code projection},
     * logit = psi(phi) + embed(y) . phi (the projection discriminator); else one dense logit (an OutputLayer).
     */
    static void head(GraphBuilder b, String phi, long features, boolean projection, double dropout) {
        if (!projection) {
            OutputLayer.Builder out = new OutputLayer.Builder(new BceWithLogitsLoss()).nOut(1)
                    .activation(Activation.IDENTITY);
            if (dropout > 0) out.dropOut(1 - dropout);
            b.addLayer(GanModels.D_OUT, out.build(), phi);
            return;
        }
        DenseLayer.Builder psi = new DenseLayer.Builder().nOut(1).activation(Activation.IDENTITY);
        if (dropout > 0) psi.dropOut(1 - dropout);
        b.addLayer("d_psi", psi.build(), phi);
        // N(0, 0.02) like every other weight: the projection starts small and grows as D learns the classes
        b.addLayer("d_embed", new DenseLayer.Builder().nOut(features).hasBias(false).activation(Activation.IDENTITY)
                .build(), GanModels.D_LABEL);
        b.addVertex("d_proj", new RowDot(), phi, "d_embed");
        b.addVertex("d_logit", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d_psi", "d_proj");
        b.addLayer(GanModels.D_OUT, new LossLayer.Builder(new BceWithLogitsLoss()).activation(Activation.IDENTITY)
                .build(), "d_logit");
    }
}
