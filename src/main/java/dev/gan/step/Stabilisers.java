package dev.gan.step;

import dev.gan.config.ExperimentConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state a run keeps beside its two networks for model.spectral_norm and training.ema: each network's
 * {@link SpectralNorm} (off when it is not normalised) and the {@link GeneratorEma} (null without one). The engines
 * run the spectral norm inside their passes; {@link #wrap} adds the EMA update to either engine's step; checkpoints
 * save {@link #vectors()} and the EMA graph, so a resumed run continues exactly.
 *
 * @param generatorNorm     G's spectral norm (model.spectral_norm gd)
 * @param discriminatorNorm D's spectral norm (model.spectral_norm d or gd)
 * @param ema               the EMA generator, or null (training.ema.kimg 0)
 */
public record Stabilisers(SpectralNorm generatorNorm, SpectralNorm discriminatorNorm, GeneratorEma ema) {
    /** Keys of {@link #vectors()}. */
    public static final String GENERATOR = "generator", DISCRIMINATOR = "discriminator";

    /** Nothing: plain networks. */
    public static Stabilisers none() {
        return new Stabilisers(SpectralNorm.off(), SpectralNorm.off(), null);
    }

    /** For new networks: fresh u vectors, and an EMA generator that starts as G. */
    public static Stabilisers create(ExperimentConfig cfg, ComputationGraph g, ComputationGraph d) {
        SpectralNorm gNorm = cfg.model().spectralNormG() ? SpectralNorm.of(g, cfg.seed()) : SpectralNorm.off();
        SpectralNorm dNorm = cfg.model().spectralNormD() ? SpectralNorm.of(d, cfg.seed() + 1) : SpectralNorm.off();
        GeneratorEma ema = cfg.training().ema().on() ? GeneratorEma.start(cfg.training().ema(), g, gNorm) : null;
        return new Stabilisers(gNorm, dNorm, ema);
    }

    /**
     * For networks from a checkpoint ({@code source} names it in errors): the saved vectors, and the saved EMA
     * generator. A run resumed with training.ema newly on starts its average from G at that step; one resumed with
     * it off drops the average.
     */
    public static Stabilisers resume(ExperimentConfig cfg, ComputationGraph g, ComputationGraph d,
                                     Map<String, Map<String, float[][]>> vectors, ComputationGraph savedEma,
                                     String source) {
        SpectralNorm gNorm = cfg.model().spectralNormG()
                ? SpectralNorm.restore(g, vectors.get(GENERATOR), source) : SpectralNorm.off();
        SpectralNorm dNorm = cfg.model().spectralNormD()
                ? SpectralNorm.restore(d, vectors.get(DISCRIMINATOR), source) : SpectralNorm.off();
        GeneratorEma ema = !cfg.training().ema().on() ? null : savedEma != null
                ? GeneratorEma.resume(cfg.training().ema(), savedEma, gNorm)
                : GeneratorEma.start(cfg.training().ema(), g, gNorm);
        return new Stabilisers(gNorm, dNorm, ema);
    }

    /** {@code step}, with the EMA update after each generator update when there is an EMA generator. */
    public TrainingStep wrap(TrainingStep step, ComputationGraph g) {
        return ema == null ? step : new EmaStep(step, g, ema);
    }

    /**
     * The generator that sample grids, evaluation and best.zip use: the EMA generator when there is one, else G
     * as inference sees it (W / sigma baked in under spectral norm; G itself otherwise). Valid until the next step.
     */
    public ComputationGraph samplingGenerator(ComputationGraph g) {
        return ema != null ? ema.graph() : generatorNorm.inferenceGraph(g);
    }

    /** What {@link #samplingGenerator} is, for logs: "the EMA generator" or "the trained generator". */
    public String samplingGeneratorName() {
        return ema != null ? "the EMA generator" : "the trained generator";
    }

    /** The u and v vectors of each normalised network, for the checkpoint (empty without spectral norm). */
    public Map<String, Map<String, float[][]>> vectors() {
        Map<String, Map<String, float[][]>> out = new LinkedHashMap<>();
        if (generatorNorm.on()) out.put(GENERATOR, generatorNorm.vectors());
        if (discriminatorNorm.on()) out.put(DISCRIMINATOR, discriminatorNorm.vectors());
        return out;
    }

    /** The EMA generator's graph, or null. */
    public ComputationGraph emaGraph() {
        return ema == null ? null : ema.graph();
    }
}
