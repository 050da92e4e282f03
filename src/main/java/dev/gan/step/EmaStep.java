package dev.gan.step;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * Either engine's step with the EMA generator updated after each generator update: the average is one more thing a
 * step does to the networks, so both engines get it from here and {@code gan bench} times it with the step.
 */
final class EmaStep implements TrainingStep {
    private final TrainingStep step;
    private final ComputationGraph generator;
    private final GeneratorEma ema;

    EmaStep(TrainingStep step, ComputationGraph generator, GeneratorEma ema) {
        this.step = step;
        this.generator = generator;
        this.ema = ema;
    }

    @Override
    public Fakes discriminatorStep(INDArray real, int[] realLabels, INDArray z, int[] fakeLabels, SplittableRandom rng,
                                   StepTimes times) {
        return step.discriminatorStep(real, realLabels, z, fakeLabels, rng, times);
    }

    @Override
    public StepStats generatorStep(Fakes f, SplittableRandom rng, StepTimes times) {
        StepStats stats = step.generatorStep(f, rng, times);
        long t0 = System.nanoTime();
        ema.update(generator, (int) f.images().size(0));
        if (times != null) times.add(0, 0, 0, System.nanoTime() - t0);   // part of the G step
        return stats;
    }

    @Override
    public Fakes regenerate(Fakes f) {
        return step.regenerate(f);
    }

    @Override
    public String engine() {
        return step.engine();
    }
}
