package dev.gan.train.listeners;

import dev.gan.config.ExperimentConfig;
import dev.gan.train.TrainingListener;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The listeners of a training run, in the order that matters: the health check first, the report last. */
public final class Listeners {
    private Listeners() {
    }

    /** For a run of {@code cfg}; {@code console} gets a progress bar when {@code progressBar} (terminals only). */
    public static List<TrainingListener> standard(ExperimentConfig cfg, PrintStream console, boolean progressBar) {
        List<TrainingListener> listeners = new ArrayList<>();
        listeners.add(new HealthWatch());   // first: nothing is written for a diverged step
        boolean eval = cfg.training().evalEvery() > 0;
        MetricsListener metrics = new MetricsListener(progressBar ? new Progress(console) : null,
                eval ? EvalListener.COLUMNS : List.of(), eval ? EvalListener.PANELS : List.of());
        listeners.add(metrics);
        if (eval) listeners.add(new EvalListener(metrics));
        listeners.add(new SampleGrids());
        listeners.add(new CheckpointWriter());
        listeners.add(new ReportWriter());   // last: it shows what the others wrote
        return listeners;
    }
}
