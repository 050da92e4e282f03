package dev.gan.model;

import dev.gan.config.AdamConfig;
import dev.gan.config.ModelConfig;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A config's two networks, whatever the architecture: {@link #generator} and {@link #discriminator} build them with
 * the {@link ModelBuilder} model.arch names ({@link DcganModels}, {@link ResNetModels}); the vertex names below are
 * the same in every architecture's graphs, so the step, checkpoints and sampling need not know which one ran.
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

    /** G for {@code m.arch()}: {@link DcganModels} or {@link ResNetModels}. */
    public static ComputationGraph generator(ModelConfig m, GanShape shape, AdamConfig adam, long seed) {
        return ModelBuilder.of(m.arch()).generator(m, shape, adam, seed);
    }

    /** D for {@code m.arch()}: {@link DcganModels} or {@link ResNetModels}. */
    public static ComputationGraph discriminator(ModelConfig m, GanShape shape, AdamConfig adam, long seed) {
        return ModelBuilder.of(m.arch()).discriminator(m, shape, adam, seed);
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
