package dev.gan.train.listeners;

import dev.gan.report.RunFacts;
import dev.gan.report.RunReport;
import dev.gan.step.StepStats;
import dev.gan.train.TrainingListener;
import dev.gan.train.TrainingRun;

/**
 * {@code report.html} at the start, at every log interval and at the end, rewritten atomically so that a browser
 * reloading it never sees half a page. Must come after the listeners whose files it shows (metrics, grids): it reads
 * them back from the run directory. Cheap: metrics.csv and log.txt are re-read, the grids only referenced.
 */
public final class ReportWriter implements TrainingListener {
    @Override
    public void onStart(TrainingRun run) {
        RunReport.write(run.dir().root(), RunFacts.RUNNING);
    }

    @Override
    public void onStep(TrainingRun run, StepStats stats, double seconds) {
        if (run.step() % run.config().output().logEvery() == 0 && run.step() != run.totalSteps()) {
            RunReport.write(run.dir().root(), RunFacts.RUNNING);
        }
    }

    @Override
    public void onEnd(TrainingRun run, Outcome outcome) {
        RunReport.write(run.dir().root(), switch (outcome) {
            case COMPLETED -> RunFacts.DONE;
            case STOPPED -> RunFacts.STOPPED;
            case FAILED -> RunFacts.FAILED;
        });
    }
}
