package dev.gan.train;

import dev.gan.data.BatchSampler;
import dev.gan.generate.Noise;
import dev.gan.step.StepStats;
import dev.gan.step.StepTimes;
import dev.gan.step.TrainingStep;
import dev.gan.system.NativeGarbage;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The training loop, kept plain: draw batches, run the {@link TrainingStep}, tell the listeners. Everything else a
 * run does (console, metrics, grids, checkpoints, health checks) is a {@link TrainingListener}.
 */
public final class Trainer {
    /**
     * RssAnon growth that makes the loop collect. Small beside any run's footprint; a collection of this heap
     * (tens of MB live) takes tens of ms, which at the dl4j engine's 2 MB of dead buffers a step comes every 8 steps.
     * Not larger: glibc keeps the freed buffers resident for reuse, so the process settles at its live memory plus
     * this much, and a 32 MB margin was 10% of a DCGAN-28 run's footprint, reached only after a few hundred steps.
     */
    private static final long NATIVE_GARBAGE_MB = 16;

    private final TrainingRun run;
    private final TrainingStep step;
    private final List<TrainingListener> listeners;
    private final StepTimes times;
    /** Native buffers of dead arrays are freed only by a collection: collect when they have piled up. */
    private final NativeGarbage garbage = new NativeGarbage(NATIVE_GARBAGE_MB);

    /** A trainer with the engine the run's training.engine selects. */
    public Trainer(TrainingRun run, List<TrainingListener> listeners, StepTimes times) {
        this(run, Engines.create(run.config(), run.shape(), run.generator(), run.discriminator(), run.stabilisers(),
                run.augment(), run.objective()).step(),
                listeners, times);
    }

    public Trainer(TrainingRun run, TrainingStep step, List<TrainingListener> listeners, StepTimes times) {
        this.run = run;
        this.step = step;
        this.listeners = List.copyOf(listeners);
        this.times = times;
    }

    /** The engine that runs the steps: dl4j or fast. */
    public String engine() {
        return step.engine();
    }

    public TrainingListener.Outcome run() {
        TrainingListener.Outcome outcome = TrainingListener.Outcome.FAILED;
        try {
            for (TrainingListener l : listeners) l.onStart(run);
            while (run.step() < run.totalSteps() && !run.stopRequested()) {
                long t0 = System.nanoTime();
                StepStats stats = oneStep();
                run.completeStep();
                double seconds = (System.nanoTime() - t0) / 1e9;
                for (TrainingListener l : listeners) l.onStep(run, stats, seconds);
            }
            outcome = run.step() >= run.totalSteps() ? TrainingListener.Outcome.COMPLETED : TrainingListener.Outcome.STOPPED;
        } finally {
            for (TrainingListener l : listeners) {
                try {
                    l.onEnd(run, outcome);
                } catch (RuntimeException e) {
                    if (outcome != TrainingListener.Outcome.FAILED) throw e;
                    // already failing: report the first error, not a follow-up
                }
            }
        }
        return outcome;
    }

    /** Step number {@code run.step() + 1}: d_steps discriminator updates, then g_steps generator updates. */
    StepStats oneStep() {
        int b = run.config().training().batchSize();
        long seed = run.config().seed();
        TrainingStep.Fakes fakes = null;
        for (int k = 0; k < run.config().training().dSteps(); k++) {
            long index = run.batchesDrawn();
            BatchSampler.Batch batch = run.sampler().batch(index);
            // noise is a function of the batch number: a resumed run draws exactly what the original would have
            INDArray z = Noise.normal(seed, index, b, run.shape().latentSize());
            // augmentations too: even streams for the D step of batch k, odd ones for the G steps of step s
            fakes = step.discriminatorStep(batch.images(), batch.labels(), z, batch.labels(),
                    Noise.augmentation(seed, 2 * index), times);
            run.advance(batch.epoch(), index + 1);
        }
        SplittableRandom gAugment = Noise.augmentation(seed, 2 * run.step() + 1);
        StepStats stats = step.generatorStep(fakes, gAugment, times);
        for (int k = 1; k < run.config().training().gSteps(); k++) {
            stats = step.generatorStep(step.regenerate(fakes), gAugment, times);
        }
        if (times != null) times.countStep();
        garbage.afterStep();
        return stats;
    }
}
