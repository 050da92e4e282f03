package dev.gan.train.listeners;

import dev.gan.UserException;
import dev.gan.data.Mirrored;
import dev.gan.eval.ClassifierFile;
import dev.gan.eval.Evaluation;
import dev.gan.eval.Scores;
import dev.gan.eval.Subsets;
import dev.gan.generate.EvalSamples;
import dev.gan.io.Checkpoints;
import dev.gan.io.LossPlot;
import dev.gan.io.MetricsLog;
import dev.gan.io.RunDirectory;
import dev.gan.step.StepStats;
import dev.gan.train.TrainingListener;
import dev.gan.train.TrainingRun;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Every {@code training.eval_every} steps: gan eval's metrics on {@code training.eval_samples} samples (always the
 * same noise) against as many real images of the run's data, as one log line and a {@code metrics.csv} row (plotted
 * below the losses), and {@code checkpoints/best.zip} whenever FID reaches a new low. The numbers use fewer samples
 * than {@code gan eval}'s default, so they sit higher (FID's bias grows as samples shrink): compare them with each
 * other, not with gan eval's.
 */
public final class EvalListener implements TrainingListener {
    public static final String BEST = "best.zip";
    public static final List<String> COLUMNS = Scores.NAMES;
    public static final List<LossPlot.Panel> PANELS = List.of(
            new LossPlot.Panel("FID on the domain classifier's features (lower is better)", "FID", List.of("fid")),
            new LossPlot.Panel("Sample quality and coverage (higher is better)", "share",
                    List.of("precision", "recall", "coverage", "conditional_accuracy")));
    private final MetricsListener metrics;
    private Evaluation evaluation;
    private double bestFid = Double.POSITIVE_INFINITY;

    public EvalListener(MetricsListener metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onStart(TrainingRun run) {
        ClassifierFile.Loaded c = ClassifierFile.load(Path.of(run.config().training().evalClassifier()));
        if (c.info().channels() != run.shape().channels() || c.info().size() != run.shape().size()) {
            throw new UserException("training.eval_classifier: " + c.file() + " takes " + c.info().channels() + "x"
                    + c.info().size() + "x" + c.info().size() + " images but this run makes " + run.shape().channels()
                    + "x" + run.shape().size() + "x" + run.shape().size() + "; train one on this data");
        }
        if ("cgan".equals(run.config().model().type()) && !c.info().knowsRealClasses()) {
            run.log().info("training.eval_classifier: " + c.file() + " learnt k-means clusters of unlabelled images "
                    + "(--clusters " + c.info().clusters() + "), not classes: no conditional accuracy for this CGAN");
        }
        // the images as they are, not their flips (data.mirror): runs with and without it are scored alike
        evaluation = new Evaluation(c, Subsets.draw(Mirrored.unflipped(run.data()),
                run.config().training().evalSamples(), run.config().seed()));
        double[] earlier = MetricsLog.read(run.dir().file(RunDirectory.METRICS)).get("fid");
        if (earlier != null) {
            for (double f : earlier) if (Double.isFinite(f)) bestFid = Math.min(bestFid, f);
        }
    }

    @Override
    public void onStep(TrainingRun run, StepStats stats, double seconds) {
        if (run.step() % run.config().training().evalEvery() != 0) return;
        EvalSamples.Generated g = EvalSamples.generate(run.samplingGenerator(), run.shape(),
                run.config().training().evalSamples(), run.config().seed(), run.config().training().batchSize());
        // conditional accuracy only for a CGAN: a self-conditioned DCGAN's labels are its clusters, not classes
        boolean byClass = "cgan".equals(run.config().model().type());
        Scores s = evaluation.score(g.images(), byClass ? g.labels() : null);
        metrics.record(run, s.named());
        boolean best = s.fid() < bestFid;
        run.log().info(String.format(Locale.ROOT, "[%d/%d] eval on %d samples%s: FID %.3f  KID %.4f  IS %.3f  "
                        + "precision %.3f  recall %.3f  coverage %.2f%s%s", run.step(), run.totalSteps(),
                run.config().training().evalSamples(),
                run.stabilisers().ema() != null ? " of the EMA generator" : "", s.fid(), s.kid(), s.inceptionScore(), s.precision(), s.recall(),
                s.coverage(), Double.isNaN(s.conditionalAccuracy()) ? ""
                        : String.format(Locale.ROOT, "  cond. acc. %.3f", s.conditionalAccuracy()),
                best ? "  (best so far: checkpoints/" + BEST + ")" : ""));
        if (best) {
            bestFid = s.fid();
            Checkpoints.writeTo(run.dir().checkpoints().resolve(BEST), run.checkpointState(), run.configYaml(),
                    run.generator(), run.discriminator(), run.checkpointExtras());
        }
    }
}
