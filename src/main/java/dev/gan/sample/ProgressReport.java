package dev.gan.sample;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long generation: a bar with rate and ETA on a terminal; otherwise (a file, a pipe, a test) a plain
 * line at every tenth of the work, so logs stay readable and nothing redraws.
 */
public final class ProgressReport {
    private final PrintStream out;
    private final long total;
    private final long startNanos = System.nanoTime();
    private ProgressBar bar;
    private int lastTenth;

    private ProgressReport(PrintStream out, long total, boolean terminal, String task) {
        this.out = out;
        this.total = total;
        if (out != null && terminal) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" img", 1).showSpeed().setConsumer(new ConsoleProgressBarConsumer(out))
                    .setUpdateIntervalMillis(500).build();
        }
    }

    /** Reports to {@code out}; {@code out} null reports nothing. */
    public static ProgressReport to(PrintStream out, long total, boolean terminal, String task) {
        return new ProgressReport(out, total, terminal, task);
    }

    void advance(long done) {
        if (bar != null) {
            bar.stepTo(done);
            return;
        }
        int tenth = (int) (done * 10 / Math.max(1, total));
        if (out != null && tenth > lastTenth && done < total) {
            lastTenth = tenth;
            double s = (System.nanoTime() - startNanos) / 1e9;
            out.printf(Locale.ROOT, "  %d/%d images (%d%%), %.0f images/s%n", done, total, done * 100 / total, done / s);
        }
    }

    void done() {
        if (bar != null) bar.close();
    }
}
