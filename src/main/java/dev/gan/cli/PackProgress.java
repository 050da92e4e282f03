package dev.gan.cli;

import dev.gan.data.Packer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of {@code gan data pack}: a bar with rate and ETA on a terminal; otherwise a plain line at every tenth of
 * the images, so logs stay readable and nothing redraws.
 */
final class PackProgress implements Packer.Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private ProgressBar bar;
    private long total;
    private long lastTenth;

    PackProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void start(long total) {
        this.total = total;
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName("packing").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" img", 1).showSpeed().setConsumer(new ConsoleProgressBarConsumer(out))
                    .setUpdateIntervalMillis(500).build();
        }
    }

    @Override
    public void advance(long done) {
        if (bar != null) {
            bar.stepTo(done);
            return;
        }
        long tenth = done * 10 / Math.max(1, total);
        if (tenth > lastTenth && done < total) {
            lastTenth = tenth;
            double s = (System.nanoTime() - startNanos) / 1e9;
            out.printf(Locale.ROOT, "  %d/%d images (%d%%), %.0f images/s%n", done, total, done * 100 / total, done / s);
        }
    }

    @Override
    public void done() {
        if (bar != null) {
            bar.stepTo(total);
            bar.close();
            bar = null;
        }
    }
}
