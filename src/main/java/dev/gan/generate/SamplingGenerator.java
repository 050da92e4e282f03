package dev.gan.generate;

import dev.gan.io.Checkpoints;
import dev.gan.step.SpectralNorm;
import dev.gan.step.Stabilisers;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.Map;

/**
 * The generator of a checkpoint that gan sample and gan eval run: its EMA generator when it has one (what the run's
 * grids and evaluation showed), with {@link StandingStatistics} for its BatchNorms as the run computed them, else - or
 * with {@code --raw} - the trained generator, with W / sigma baked in when it was trained under spectral norm (sigma
 * from the saved u and v, no power iteration: torch's eval mode).
 *
 * @param graph       the generator to run in inference mode
 * @param description which one it is, for the command's output: "the EMA generator" or "the trained generator"
 */
public record SamplingGenerator(ComputationGraph graph, String description) {

    /** Chooses from a checkpoint loaded for sampling (its generator may be changed in place). */
    public static SamplingGenerator of(Checkpoints.Checkpoint ck, boolean raw) {
        ComputationGraph ema = ck.extras().generatorEma();
        if (ema != null && !raw) {
            StandingStatistics.apply(ema, ck.state().shape());
            return new SamplingGenerator(ema, "the EMA generator");
        }
        ComputationGraph g = ck.generator();
        Map<String, float[][]> vectors = ck.extras().spectralNorm().get(Stabilisers.GENERATOR);
        if (vectors != null) SpectralNorm.restore(g, vectors, ck.file().toString()).bake(g);
        return new SamplingGenerator(g, ema != null ? "the trained generator (--raw)" : "the trained generator");
    }
}
