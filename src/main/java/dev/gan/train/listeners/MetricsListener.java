package dev.gan.train.listeners;

import dev.gan.io.LossPlot;
import dev.gan.io.MetricsLog;
import dev.gan.io.RunDirectory;
import dev.gan.step.StepStats;
import dev.gan.train.TrainingListener;
import dev.gan.train.TrainingRun;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every {@code output.log_every} steps: one console/log line and one {@code metrics.csv} row carrying the same
 * numbers (means over the interval), then {@code loss.png} redrawn from the file. With training.augment, the file
 * also has the augmentation probability at the end of the interval ({@code augment_p}, the file's last column so
 * that readers of older files find every other column where it was; the console shows it when it adapts).
 */
public final class MetricsListener implements TrainingListener {
    private MetricsLog metrics;
    private final Progress progress;
    private final List<String> extraColumns;
    private final List<LossPlot.Panel> extraPanels;
    private List<LossPlot.Panel> panels;
    private double sumD, sumG, sumDx, sumDgz, sumSeconds, elapsed;
    private int n;

    public MetricsListener(Progress progress) {
        this(progress, List.of(), List.of());
    }

    /** With columns and plot panels that other listeners fill through {@link #record}. */
    public MetricsListener(Progress progress, List<String> extraColumns, List<LossPlot.Panel> extraPanels) {
        this.progress = progress;
        this.extraColumns = List.copyOf(extraColumns);
        this.extraPanels = List.copyOf(extraPanels);
    }

    /** Appends a row of another listener's values (e.g. evaluation scores) at the current step and redraws the plot. */
    public void record(TrainingRun run, Map<String, ? extends Number> values) {
        Map<String, Number> row = new LinkedHashMap<>(values);
        row.put("step", run.step());
        row.put("epoch", run.epoch());
        metrics.append(row);
        LossPlot.write(metrics.file(), run.dir().file(RunDirectory.LOSS_PLOT), panels);
    }

    @Override
    public void onStart(TrainingRun run) {
        // D(x) and D(G(z)) are probabilities for ns and raw scores for the other losses: the axis says which
        List<LossPlot.Panel> all = new java.util.ArrayList<>(
                LossPlot.training(run.objective().loss().shownMeaning()));
        all.addAll(extraPanels);
        all.add(LossPlot.AUGMENT_P);
        panels = List.copyOf(all);
        List<String> columns = new java.util.ArrayList<>(MetricsLog.COLUMNS);
        columns.addAll(extraColumns);
        if (run.config().training().augmenting()) columns.add(MetricsLog.AUGMENT_P);
        metrics = MetricsLog.open(run.dir().file(RunDirectory.METRICS), columns, run.step());
        elapsed = lastElapsed(run);
        if (progress != null) progress.start(run);
    }

    private static double lastElapsed(TrainingRun run) {
        double[] e = MetricsLog.read(run.dir().file(RunDirectory.METRICS)).get("elapsed_s");
        return e == null || e.length == 0 ? 0 : e[e.length - 1];
    }

    @Override
    public void onStep(TrainingRun run, StepStats s, double seconds) {
        sumD += s.lossD();
        sumG += s.lossG();
        sumDx += s.dReal();
        sumDgz += s.dFake();
        sumSeconds += seconds;
        elapsed += seconds;
        n++;
        if (progress != null) progress.step(run, s);
        if (run.step() % run.config().output().logEvery() == 0 || run.step() == run.totalSteps()) flush(run);
    }

    private void flush(TrainingRun run) {
        if (n == 0) return;
        double sps = sumSeconds / n;
        double imgs = run.config().training().batchSize() / sps;
        Map<String, Number> row = new LinkedHashMap<>();
        row.put("step", run.step());
        row.put("epoch", run.epoch());
        row.put("loss_d", sumD / n);
        row.put("loss_g", sumG / n);
        row.put("d_x", sumDx / n);
        row.put("d_g_z", sumDgz / n);
        row.put("sec_per_step", sps);
        row.put("img_per_s", imgs);
        row.put("elapsed_s", elapsed);
        boolean augmenting = run.config().training().augmenting();
        if (augmenting) row.put(MetricsLog.AUGMENT_P, run.augment().p());
        metrics.append(row);
        run.log().info(String.format(Locale.ROOT,
                "[%d/%d] epoch %d  loss_D %.4f  loss_G %.4f  D(x) %.3f  D(G(z)) %.3f  %.3f s/step  %.0f img/s%s",
                run.step(), run.totalSteps(), run.epoch(), sumD / n, sumG / n, sumDx / n, sumDgz / n, sps, imgs,
                augmenting && run.augment().adaptive() ? String.format(Locale.ROOT, "  augment_p %.3f",
                        run.augment().p()) : ""));
        LossPlot.write(metrics.file(), run.dir().file(RunDirectory.LOSS_PLOT), panels);
        sumD = sumG = sumDx = sumDgz = sumSeconds = 0;
        n = 0;
    }

    @Override
    public void onEnd(TrainingRun run, Outcome outcome) {
        if (outcome != Outcome.FAILED) flush(run);
        if (progress != null) progress.close(run);
        if (metrics != null) metrics.close();
    }
}
