package dev.gan.train;

import dev.gan.config.ExperimentConfig;
import dev.gan.config.TrainingConfig;
import dev.gan.model.LinearDecay;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.Locale;

/**
 * training.lr_decay on a run's two networks: each gets a {@link LinearDecay} of its own base rate, paced by its own
 * updates per step, so that both reach 0 at the run's last step. Set whenever a run starts or resumes, before its
 * engine is made (the engines read the rate from the updater at every update). With lr_decay 0 a new run's networks
 * are left exactly as built: constant rates, as before the key existed.
 */
final class LearningRates {
    private LearningRates() {
    }

    /** New networks (a new run, or fine-tuning with a fresh optimiser): the decay from step 0. */
    static void start(ExperimentConfig cfg, Networks nets, long totalSteps) {
        if (cfg.training().decaying()) schedule(cfg.training(), nets.generator(), nets.discriminator(), totalSteps, 0);
    }

    /**
     * A checkpoint's networks, saved under {@code saved}, trained on under {@code cfg} (its --set changes) from
     * {@code step}. A decaying run's schedules are made again from {@code cfg} - the base rates, lr_decay and the
     * length as they are now - so a changed rate, share or length takes effect from here, and an unchanged config
     * continues the saved schedule exactly. Constant rates: a changed one reaches the restored updaters (the advice
     * after a divergence is to resume with lower ones), and lr_decay set to 0 puts a decaying run back on constant ones.
     */
    static void resume(ExperimentConfig saved, ExperimentConfig cfg, ComputationGraph g, ComputationGraph d,
                       long totalSteps, long step) {
        TrainingConfig t = cfg.training(), was = saved.training();
        if (t.decaying()) {
            schedule(t, g, d, totalSteps, step);
            return;
        }
        if (was.decaying() || t.g().lr() != was.g().lr()) g.setLearningRate(t.g().lr());
        if (was.decaying() || t.d().lr() != was.d().lr()) d.setLearningRate(t.d().lr());
    }

    private static void schedule(TrainingConfig t, ComputationGraph g, ComputationGraph d, long totalSteps, long step) {
        long decay = LinearDecay.decaySteps(t.lrDecay(), totalSteps);
        // DL4J keeps the Adam state when it rebuilds the updater for a new schedule
        g.setLearningRate(new LinearDecay(t.g().lr(), totalSteps, decay, t.gSteps(), step, g.getIterationCount()));
        d.setLearningRate(new LinearDecay(t.d().lr(), totalSteps, decay, t.dSteps(), step, d.getIterationCount()));
    }

    /** The log line of a decaying run (null for constant rates). */
    static String line(ExperimentConfig cfg, long totalSteps) {
        if (!cfg.training().decaying()) return null;
        long decay = LinearDecay.decaySteps(cfg.training().lrDecay(), totalSteps);
        if (decay >= totalSteps) {
            return String.format(Locale.ROOT, "learning rates: linear to 0 over all %,d steps", totalSteps);
        }
        return String.format(Locale.ROOT, "learning rates: constant for %,d steps, then linear to 0 over the last %,d",
                totalSteps - decay, decay);
    }
}
