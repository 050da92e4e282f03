package dev.gan.train.listeners;

import dev.gan.step.StepStats;
import dev.gan.train.TrainingRun;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * A progress bar with rate and ETA, for terminals only: when the output is a file or a pipe, the periodic log lines
 * are the progress report and nothing redraws.
 */
public final class Progress {
    private final PrintStream terminal;
    private ProgressBar bar;

    public Progress(PrintStream terminal) {
        this.terminal = terminal;
    }

    void start(TrainingRun run) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(run.totalSteps()).startsFrom(run.step(), Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(terminal)).setUpdateIntervalMillis(500).build();
        run.log().quietConsole(true);
    }

    void step(TrainingRun run, StepStats s) {
        bar.stepTo(run.step());
        bar.setExtraMessage(String.format(Locale.ROOT, " D %.3f G %.3f D(x) %.2f D(G(z)) %.2f",
                s.lossD(), s.lossG(), s.dReal(), s.dFake()));
    }

    void close(TrainingRun run) {
        if (bar != null) bar.close();
        run.log().quietConsole(false);
    }
}
