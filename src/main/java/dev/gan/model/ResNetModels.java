package dev.gan.model;

import dev.gan.config.AdamConfig;
import dev.gan.config.ModelConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;

import java.util.ArrayList;
import java.util.List;

/**
 * The ResNet generator and discriminator (SNGAN, Miyato et al. 2018; StudioGAN's {@code resnet} backbone) as DL4J
 * {@link ComputationGraph}s, with the same inputs, outputs, gradient tap and losses as {@link DcganModels}, so
 * the step, checkpoints and sampling treat both alike.
 *
 * <p>Generator: z -> Dense to a 4x4 grid (7x7 for 28 px) -> upsampling blocks [BN - ReLU - upsample x2 (nearest) -
 * conv3x3 - BN - ReLU - conv3x3, plus a shortcut upsample - conv1x1] -> BN - ReLU - conv3x3 - tanh. Block widths
 * halve from 16 x g_width (at most) down to g_width; at 32 px every block is g_width wide (SNGAN's CIFAR G).
 *
 * <p>Discriminator: downsampling blocks [ReLU - conv3x3 - ReLU - conv3x3 - avgpool2, plus a shortcut conv1x1 -
 * avgpool2; the first block convolves before its ReLU and pools before its shortcut conv] -> ReLU -> global sum
 * pooling -> dense logit (or the projection head, {@link GraphParts#head}). Layouts: 28 px 28 -> 14 -> 7 + one
 * block at 7; 32 px SNGAN's CIFAR D (d_width everywhere, two blocks at 8x8 that do not downsample); 64 px SNGAN's
 * (d_width x 1, 2, 4, 8, 16 down to 2x2); 128 px SNGAN's (the same to 4x4, then one more block at 16 x d_width).
 * D has no BatchNorm (its weights are meant for spectral norm); every weight is an ordinary ConvolutionLayer or
 * DenseLayer, Glorot-uniform initialised; G's layers before a BatchNorm have no bias (it would only be subtracted
 * again), every other layer has one.
 */
final class ResNetModels implements ModelBuilder {
    private static final IActivation RELU = Activation.RELU.getActivationFunction();
    private static final IActivation IDENTITY = Activation.IDENTITY.getActivationFunction();
    /** Widest block, as a multiple of g_width / d_width (SNGAN/BigGAN at 64 and 128 px). */
    private static final int MAX_MULTIPLE = 16;

    ResNetModels() {
    }

    /**
     * The DCGAN's settings with Glorot-uniform weights instead of N(0, 0.02), as SNGAN's ResNets (Xavier uniform)
     * have them: through five or six residual blocks N(0, 0.02) shrinks the signal so far that D's features, and
     * with them its projection term, start at ~1e-7.
     */
    private static NeuralNetConfiguration.Builder base(long seed, AdamConfig adam) {
        return GraphParts.base(seed, adam).weightInit(WeightInit.XAVIER_UNIFORM);
    }

    /** One D block: its output channels and whether it halves the grid. */
    record Block(int channels, boolean down) {
    }

    /** Channels of G's base grid (index 0) and after each upsampling block. */
    static List<Integer> generatorWidths(int size, int gWidth) {
        int n = GanModels.upsamplings(size);
        List<Integer> widths = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            widths.add(size == 32 ? gWidth : gWidth * Math.min(1 << (n - i), MAX_MULTIPLE));
        }
        return widths;
    }

    /** D's blocks for an image size, widths from d_width. */
    static List<Block> discriminatorBlocks(int size, int w) {
        return switch (size) {
            case 28 -> List.of(new Block(w, true), new Block(2 * w, true), new Block(2 * w, false));
            case 32 -> List.of(new Block(w, true), new Block(w, true), new Block(w, false), new Block(w, false));
            case 64 -> List.of(new Block(w, true), new Block(2 * w, true), new Block(4 * w, true), new Block(8 * w, true),
                    new Block(16 * w, true));
            case 128 -> List.of(new Block(w, true), new Block(2 * w, true), new Block(4 * w, true),
                    new Block(8 * w, true), new Block(16 * w, true), new Block(16 * w, false));
            default -> throw new IllegalArgumentException("unsupported image size " + size);
        };
    }

    @Override
    public ComputationGraph generator(ModelConfig m, GanShape shape, AdamConfig adam, long seed) {
        int side = GanModels.baseSide(shape.size());
        List<Integer> widths = generatorWidths(shape.size(), m.gWidth());
        GraphParts.Norm norm = GraphParts.generatorNorm(m, shape);
        GraphBuilder b = base(seed, adam).graphBuilder();
        String in = GraphParts.generatorInputs(b, m, shape);
        int c0 = widths.get(0);
        // no biases where BatchNorm follows: it would subtract them again (their gradient is 0 but for float noise)
        boolean bias = !m.batchNorm();
        b.addLayer("g_fc", new DenseLayer.Builder().nOut((long) c0 * side * side).activation(IDENTITY).hasBias(bias)
                .build(), in);
        // a vertex, not a layer's preprocessor: both the block and its shortcut read the grid
        b.addVertex("g_grid", new PreprocessorVertex(new FeedForwardToCnnPreProcessor(side, side, c0)), "g_fc");
        String x = "g_grid";
        for (int i = 1; i < widths.size(); i++) {
            x = upBlock(b, norm, bias, "g_block" + i, x, widths.get(i - 1), widths.get(i));
        }
        x = GraphParts.normalise(b, norm, "g_out_bn", widths.get(widths.size() - 1), RELU, x);
        b.addLayer("g_conv_out", conv(3, shape.channels()).activation(Activation.TANH).build(), x);
        return GraphParts.generatorOutput(b, "g_conv_out");
    }

    /** BN - ReLU - upsample - conv3x3 - BN - ReLU - conv3x3, plus upsample - conv1x1; returns the sum's name. */
    private static String upBlock(GraphBuilder b, GraphParts.Norm norm, boolean bias, String name, String x, int in,
                                  int out) {
        String h = GraphParts.normalise(b, norm, name + "_bn1", in, RELU, x);
        b.addLayer(name + "_up", new Upsampling2D.Builder(2).build(), h);
        b.addLayer(name + "_conv1", conv(3, out).activation(IDENTITY).hasBias(bias).build(), name + "_up");
        h = GraphParts.normalise(b, norm, name + "_bn2", out, RELU, name + "_conv1");
        b.addLayer(name + "_conv2", conv(3, out).activation(IDENTITY).hasBias(bias).build(), h);
        b.addLayer(name + "_sc_up", new Upsampling2D.Builder(2).build(), x);
        b.addLayer(name + "_sc", conv(1, out).activation(IDENTITY).hasBias(bias).build(), name + "_sc_up");
        b.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_conv2", name + "_sc");
        return name;
    }

    @Override
    public ComputationGraph discriminator(ModelConfig m, GanShape shape, AdamConfig adam, long seed) {
        GraphBuilder b = base(seed, adam).graphBuilder();
        String x = GraphParts.discriminatorInputs(b, shape);
        List<Block> blocks = discriminatorBlocks(shape.size(), m.dWidth());
        int in = -1;
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            String name = "d_block" + (i + 1);
            x = i == 0 ? firstDownBlock(b, name, x, block.channels()) : downBlock(b, name, x, in, block);
            in = block.channels();
        }
        b.addLayer("d_relu", new ActivationLayer.Builder().activation(RELU).build(), x);
        x = "d_relu";
        if (m.dMinibatchStddev()) {
            b.addLayer("d_mbstd", new MinibatchStdDev(), x);
            x = "d_mbstd";
            in++;
        }
        b.addLayer("d_sum", new GlobalPoolingLayer.Builder(PoolingType.SUM).build(), x);
        GraphParts.head(b, "d_sum", in, shape.projection(), 0);
        b.setOutputs(GanModels.D_OUT);
        ComputationGraph d = new ComputationGraph(b.build());
        d.init();
        return d;
    }

    /** conv3x3 - ReLU - conv3x3 - avgpool, plus avgpool - conv1x1 (no ReLU on the image itself). */
    private static String firstDownBlock(GraphBuilder b, String name, String x, int out) {
        b.addLayer(name + "_conv1", conv(3, out).activation(RELU).build(), x);
        b.addLayer(name + "_conv2", conv(3, out).activation(IDENTITY).build(), name + "_conv1");
        b.addLayer(name + "_pool", avgPool(), name + "_conv2");
        b.addLayer(name + "_sc_pool", avgPool(), x);
        b.addLayer(name + "_sc", conv(1, out).activation(IDENTITY).build(), name + "_sc_pool");
        b.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_pool", name + "_sc");
        return name;
    }

    /**
     * ReLU - conv3x3 - ReLU - conv3x3 (- avgpool), plus conv1x1 (- avgpool) when the block changes width or size,
     * else the input itself.
     */
    private static String downBlock(GraphBuilder b, String name, String x, int in, Block block) {
        b.addLayer(name + "_relu", new ActivationLayer.Builder().activation(RELU).build(), x);
        b.addLayer(name + "_conv1", conv(3, block.channels()).activation(RELU).build(), name + "_relu");
        b.addLayer(name + "_conv2", conv(3, block.channels()).activation(IDENTITY).build(), name + "_conv1");
        String main = name + "_conv2", shortcut = x;
        if (block.down()) {
            b.addLayer(name + "_pool", avgPool(), main);
            main = name + "_pool";
        }
        if (block.down() || in != block.channels()) {
            b.addLayer(name + "_sc", conv(1, block.channels()).activation(IDENTITY).build(), x);
            shortcut = name + "_sc";
            if (block.down()) {
                b.addLayer(name + "_sc_pool", avgPool(), shortcut);
                shortcut = name + "_sc_pool";
            }
        }
        b.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), main, shortcut);
        return name;
    }

    /** A k x k convolution that keeps the grid's size (stride 1, padding k / 2), with a bias. */
    private static ConvolutionLayer.Builder conv(int k, int out) {
        return new ConvolutionLayer.Builder(k, k).stride(1, 1).padding(k / 2, k / 2).nOut(out);
    }

    private static SubsamplingLayer avgPool() {
        return new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build();
    }
}
