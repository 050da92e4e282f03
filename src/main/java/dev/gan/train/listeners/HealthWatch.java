package dev.gan.train.listeners;

import dev.gan.config.WatchConfig;
import dev.gan.data.BatchSampler;
import dev.gan.eval.Diversity;
import dev.gan.generate.Samples;
import dev.gan.step.GanLoss;
import dev.gan.step.StepStats;
import dev.gan.train.TrainingFailure;
import dev.gan.train.TrainingListener;
import dev.gan.train.TrainingRun;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Watches a run for the ways GAN training fails and says what to try:
 * <ul>
 *   <li>a non-finite loss, or a non-finite parameter in either network, stops the run at once: every later update
 *       would spread NaN, and the checkpoint writer (which runs after this listener) writes nothing for a failed
 *       step, so the newest checkpoint stays a healthy one to resume from;</li>
 *   <li>D(x) near 1 with D(G(z)) near 0 over {@code watch.window} steps: the discriminator wins outright and the
 *       generator learns nothing. Only for training.loss ns, whose sigmoid is what starves G's gradient: hinge,
 *       lsgan and wgan give G a gradient of size 1 however far D is ahead (and D(x), D(G(z)) are raw scores for
 *       them), so the log says the check is off;</li>
 *   <li>the fixed-noise samples' spread far below the real images': mode collapse.</li>
 * </ul>
 * The last two warn once per episode (console and log.txt), or stop the run when {@code watch.stop} is set; an
 * episode ends when the condition has clearly passed (the means twice the margin away from 1 and 0; a spread back
 * above twice the threshold), so a value hovering at a threshold does not warn on every crossing.
 * Must come first among the listeners so that nothing is written for a diverged step.
 */
public final class HealthWatch implements TrainingListener {
    private double[] dReal, dFake;
    private int filled, next;
    private boolean saturatedWarned, collapseWarned, saturationApplies;
    private Samples.GridInputs fixed;
    private double realSpread;

    @Override
    public void onStart(TrainingRun run) {
        GanLoss loss = run.objective().loss();
        saturationApplies = loss.saturates();
        if (!saturationApplies) {
            run.log().info("watch: the \"D wins outright\" check is off: it is for training.loss ns, whose sigmoid "
                    + "stops G's gradient; with " + loss.name() + " G's gradient does not vanish when D is ahead");
        }
        if (loss.unbounded() && run.objective().r1() == null) {
            run.log().warn("training.loss wgan without a Lipschitz constraint: the critic's scores can grow without "
                    + "bound; set training.r1_gamma (e.g. 1.0)");
        }
        int window = run.config().watch().window();
        dReal = new double[window];
        dFake = new double[window];
        fixed = Samples.GridInputs.of(run.shape(), run.config().seed(), run.config().output().gridSize());
        int n = Math.min(run.data().count(), (int) fixed.z().size(0));
        realSpread = Diversity.meanPairwiseDistance(BatchSampler.images(run.data(), IntStream.range(0, n).toArray()));
    }

    @Override
    public void onStep(TrainingRun run, StepStats s, double seconds) {
        checkFinite(run, s);
        WatchConfig w = run.config().watch();
        dReal[next] = s.dReal();
        dFake[next] = s.dFake();
        next = (next + 1) % dReal.length;
        filled = Math.min(filled + 1, dReal.length);
        if (filled == dReal.length && saturationApplies) checkSaturation(run, w);
        if (w.collapseRatio() > 0 && run.step() >= w.window() && run.step() % w.every() == 0) checkDiversity(run, w);
    }

    private void checkFinite(TrainingRun run, StepStats s) {
        String bad = !Double.isFinite(s.lossD()) ? "loss_D is " + s.lossD()
                : !Double.isFinite(s.lossG()) ? "loss_G is " + s.lossG()
                : !finite(run.generator()) ? "the generator's parameters contain NaN or Inf"
                : !finite(run.discriminator()) ? "the discriminator's parameters contain NaN or Inf" : null;
        if (bad == null) return;
        fail(run, "step " + run.step() + ": " + bad + ": training diverged. Try lower learning rates (e.g. --set "
                + "training.g.lr=1e-4 --set training.d.lr=1e-4) or training.label_smoothing=0.1, and resume from "
                + "the last good checkpoint: gan train --resume " + run.dir().root() + " --set ...");
    }

    private static boolean finite(ComputationGraph net) {
        return !BooleanIndexing.or(net.params(), Conditions.notFinite());
    }

    private void checkSaturation(TrainingRun run, WatchConfig w) {
        double x = mean(dReal), gz = mean(dFake);
        boolean saturated = x > 1 - w.saturation() && gz < w.saturation();
        if (saturated && !saturatedWarned) {
            alarm(run, w, String.format(Locale.ROOT, "step %d: D(x) %.3f and D(G(z)) %.3f on average over the last "
                    + "%d steps: the discriminator wins outright and the generator gets almost no gradient. Try "
                    + "training.label_smoothing=0.1, a lower training.d.lr or a smaller model.d_width, from the "
                    + "last checkpoint before this started: gan train --resume %s --set ...",
                    run.step(), x, gz, w.window(), run.dir().root()));
        }
        // a mean hovering at the threshold must not warn on every crossing: the episode ends when it is clearly over
        if (saturated) saturatedWarned = true;
        else if (x < 1 - 2 * w.saturation() || gz > 2 * w.saturation()) saturatedWarned = false;
    }

    private void checkDiversity(TrainingRun run, WatchConfig w) {
        // the generator the grids show: a collapse is what a user would see in them
        double spread;
        // closed here: a batch of images every few dozen steps is dead weight until a collection frees it
        try (INDArray images = Samples.generate(run.samplingGenerator(), run.shape(), fixed.z(), fixed.labels(),
                run.config().training().batchSize())) {
            spread = Diversity.meanPairwiseDistance(images);
        }
        boolean collapsed = spread < w.collapseRatio() * realSpread;
        if (collapsed && !collapseWarned) {
            alarm(run, w, String.format(Locale.ROOT, "step %d: the fixed-noise samples are nearly alike (mean "
                    + "pairwise distance %.2f, %.0f%% of the real images' %.2f): the generator has collapsed to a few "
                    + "modes. Try training.label_smoothing=0.1, lower learning rates or a larger model.latent_size, "
                    + "from an earlier checkpoint: gan train --resume %s --set ...",
                    run.step(), spread, 100 * spread / realSpread, realSpread, run.dir().root()));
        }
        if (collapsed) collapseWarned = true;
        else if (spread >= 2 * w.collapseRatio() * realSpread) collapseWarned = false;   // clearly recovered
    }

    private static void alarm(TrainingRun run, WatchConfig w, String message) {
        if (w.stop()) fail(run, message + " (stopped: watch.stop is true)");
        run.log().warn(message);
    }

    private static void fail(TrainingRun run, String message) {
        run.log().warn(message);
        throw new TrainingFailure(message);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }
}
