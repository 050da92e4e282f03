package dev.gan.train;

import dev.gan.UserException;
import dev.gan.config.ExperimentConfig;
import dev.gan.model.GanShape;
import dev.gan.step.AugmentProbability;
import dev.gan.step.DiffAugment;
import dev.gan.step.Dl4jStep;
import dev.gan.step.FrozenBlocks;
import dev.gan.step.Objective;
import dev.gan.step.Stabilisers;
import dev.gan.step.TrainingStep;
import dev.gan.step.fast.FastStep;
import dev.gan.step.fast.NotCovered;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * training.engine: which {@link TrainingStep} trains a pair of networks. {@code auto} takes the fast engine when it
 * covers every layer of both graphs and DL4J's own layers otherwise, so a model the fast engine does not know
 * (dropout, a SameDiff layer, ...) still trains, only slower; {@code fast} insists and says what is missing.
 */
public final class Engines {
    public static final String AUTO = "auto";
    public static final String DL4J = Dl4jStep.NAME;
    public static final String FAST = FastStep.NAME;

    private Engines() {
    }

    /**
     * The step that trains these networks under {@code cfg}'s training.engine.
     *
     * @param note why auto did not take the fast engine, or null
     */
    public record Selected(TrainingStep step, String note) {
        /** The engine's name, with the note when there is one: for logs and --dry-run. */
        public String describe() {
            return step.engine() + (note == null ? "" : " (" + note + ")");
        }
    }

    /**
     * The step for these networks under {@code cfg}'s training.engine; a user error if fast cannot run them. Both
     * engines take the run's {@code objective} (training.loss, R1: the one its listeners read), the same spectral norm
     * and EMA ({@code s}) and the same augmentation, whose probability is {@code p} (the run's, which adaptive
     * augmentation moves and checkpoints save).
     */
    public static Selected create(ExperimentConfig cfg, GanShape shape, ComputationGraph g, ComputationGraph d,
                                  Stabilisers s, AugmentProbability p, Objective objective) {
        String engine = cfg.training().engine();
        DiffAugment augment = DiffAugment.of(cfg.training().augment(), p);
        FrozenBlocks frozen = FrozenBlocks.of(d, cfg.training().freezeD());
        s.discriminatorNorm().hold(frozen.layers());
        String note = null;
        if (!DL4J.equals(engine)) {
            try {
                return new Selected(s.wrap(new FastStep(g, d, shape, objective, augment, s.generatorNorm(),
                        s.discriminatorNorm(), frozen), g), null);
            } catch (NotCovered e) {
                if (FAST.equals(engine)) {
                    throw new UserException("training.engine is fast, but it does not cover " + e.getMessage()
                            + "; set training.engine to auto (falls back to dl4j) or dl4j");
                }
                note = "training.engine auto: the fast engine does not cover " + e.getMessage();
            }
        }
        return new Selected(s.wrap(new Dl4jStep(g, d, shape, objective, augment, s.generatorNorm(),
                s.discriminatorNorm(), frozen), g), note);
    }
}
