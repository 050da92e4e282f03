package dev.gan.step;

import dev.gan.config.EmaConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The EMA generator (StyleGAN2-ADA's G_ema; Yazici et al. 2019): a second graph of the generator's configuration
 * whose parameters follow G's as an exponential moving average, updated after every generator update:
 * beta = 0.5^(batch / n) with n = min(kimg * 1000, images * rampup), G_ema = beta G_ema + (1 - beta) G, where images
 * counts the generated images of the updates before this one (G's iteration count - 1, times the batch), so the
 * first update copies G, as StyleGAN2-ADA's does at cur_nimg 0. G's iteration count is in every checkpoint: a
 * resumed run continues the same betas.
 *
 * <p>The update is two vectorised passes over the flat parameter arrays (scale, then axpy), never a per-layer loop.
 * It averages every parameter, BatchNorm's running mean and (log) spread included (they are parameters in DL4J):
 * that average is the state a checkpoint keeps and a resumed run continues. It is not what the averaged weights
 * produce, so whoever runs the EMA generator first replaces those statistics by standing statistics
 * ({@link dev.gan.generate.StandingStatistics}, which says why and what it measured).
 *
 * <p>With spectral norm on G, the average is of G's effective weights W / sigma (sigma from the stored vectors, as
 * inference computes it), not of raw W and u: G_ema is then a plain graph that any DL4J code can run, with no
 * spectral-norm state of its own.
 */
public final class GeneratorEma {
    private final EmaConfig config;
    private final ComputationGraph ema;
    private final SpectralNorm generatorNorm;

    private GeneratorEma(EmaConfig config, ComputationGraph ema, SpectralNorm generatorNorm) {
        this.config = config;
        this.ema = ema;
        this.generatorNorm = generatorNorm;
    }

    /** A new average, starting as G as inference sees it. */
    public static GeneratorEma start(EmaConfig config, ComputationGraph g, SpectralNorm generatorNorm) {
        return new GeneratorEma(config, SpectralNorm.copyOf(generatorNorm.inferenceGraph(g)), generatorNorm);
    }

    /** An average restored from a checkpoint. */
    public static GeneratorEma resume(EmaConfig config, ComputationGraph ema, SpectralNorm generatorNorm) {
        return new GeneratorEma(config, ema, generatorNorm);
    }

    /** The averaged generator. */
    public ComputationGraph graph() {
        return ema;
    }

    /** beta for the update after generator update number {@code updates} (1 = the first) of {@code batch} images. */
    public double beta(long updates, int batch) {
        double n = config.kimg() * 1000;
        if (config.rampup() > 0) n = Math.min(n, (updates - 1) * (double) batch * config.rampup());
        return Math.pow(0.5, batch / Math.max(n, 1e-8));
    }

    /** Moves the average towards G after one of G's updates. */
    public void update(ComputationGraph g, int batch) {
        double beta = beta(g.getIterationCount(), batch);
        INDArray target = generatorNorm.inferenceGraph(g).params();
        INDArray avg = ema.params();
        avg.muli(beta);
        Nd4j.getExecutioner().exec(new Axpy(target, avg, avg, 1 - beta));
    }
}
