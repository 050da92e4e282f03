package dev.gan.model;

import dev.gan.config.AdamConfig;
import dev.gan.config.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * One architecture's pair of networks (model.arch). Every builder gives its graphs the same inputs, outputs,
 * gradient tap and losses ({@link GraphParts}), so the step, checkpoints and sampling treat all architectures alike.
 */
interface ModelBuilder {
    ComputationGraph generator(ModelConfig m, GanShape shape, AdamConfig adam, long seed);

    ComputationGraph discriminator(ModelConfig m, GanShape shape, AdamConfig adam, long seed);

    /** The builder model.arch names: resnet, or dcgan (the default). */
    static ModelBuilder of(String arch) {
        return "resnet".equals(arch) ? new ResNetModels() : new DcganModels();
    }
}
