package dev.gan.train;

import dev.gan.config.ExperimentConfig;
import dev.gan.io.Checkpoints;
import dev.gan.model.GanModels;
import dev.gan.model.GanShape;
import dev.gan.step.AugmentProbability;
import dev.gan.step.Objective;
import dev.gan.step.Stabilisers;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** The two networks of a config, with their spectral norm and EMA generator (model.spectral_norm, training.ema). */
public record Networks(ComputationGraph generator, ComputationGraph discriminator, Stabilisers stabilisers) {
    /** New networks: untrained, or with the weights of training.init_from's checkpoint ({@link InitFrom}). */
    public static Networks build(ExperimentConfig cfg, GanShape shape) {
        ComputationGraph g = GanModels.generator(cfg.model(), shape, cfg.training().g(), cfg.seed());
        ComputationGraph d = GanModels.discriminator(cfg.model(), shape, cfg.training().d(), cfg.seed() + 1);
        if (cfg.training().initialised()) return InitFrom.load(cfg, g, d);
        return new Networks(g, d, Stabilisers.create(cfg, g, d));
    }

    /** The networks of a checkpoint, to train on under {@code cfg}. */
    public static Networks resume(ExperimentConfig cfg, Checkpoints.Checkpoint ck) {
        return new Networks(ck.generator(), ck.discriminator(), Stabilisers.resume(cfg, ck.generator(),
                ck.discriminator(), ck.extras().spectralNorm(), ck.extras().generatorEma(), ck.file().toString()));
    }

    /** The training step for these networks under {@code cfg}'s training.engine, from step 0, outside a run. */
    public Engines.Selected engine(ExperimentConfig cfg, GanShape shape) {
        return engine(cfg, shape, Objective.of(cfg.training()), AugmentProbability.of(cfg.training()));
    }

    /**
     * The training step for {@code objective} (the run's), with the augmentation probability {@code p} (adaptive
     * augmentation moves it).
     */
    public Engines.Selected engine(ExperimentConfig cfg, GanShape shape, Objective objective, AugmentProbability p) {
        return Engines.create(cfg, shape, generator, discriminator, stabilisers, p, objective);
    }
}
