package dev.gan.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory as Linux reports it in /proc/self/status, and its trend over a run of steps. The
 * trend is of RssAnon (anonymous memory: Java heap, native arrays, malloc), not of VmRSS, which also counts library
 * and jar pages that the kernel maps in and out as code runs: a leak shows up as a steady slope of RssAnon.
 */
public final class ResidentMemory {
    private ResidentMemory() {
    }

    /** Peak resident set size (VmHWM) in KB, or -1 where /proc is absent. */
    public static long peakKb() {
        return statusKb("VmHWM:");
    }

    /** Anonymous resident memory (RssAnon) in KB, or -1 where /proc is absent. */
    public static long anonymousKb() {
        return statusKb("RssAnon:");
    }

    private static long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return -1;
    }

    /** RssAnon after each of a run of steps, summarised by its least-squares slope per step. */
    public static final class Trend {
        private final long[] kb;
        private int n;

        public Trend(int steps) {
            this.kb = new long[steps];
        }

        /** Records RssAnon now, after one more step. */
        public void sample() {
            if (n < kb.length) kb[n++] = anonymousKb();
        }

        /** KB per step, the least-squares fit over all samples; NaN with fewer than two or without /proc. */
        public double slopeKbPerStep() {
            if (n < 2 || kb[0] < 0) return Double.NaN;
            double meanX = (n - 1) / 2.0, meanY = 0;
            for (int i = 0; i < n; i++) meanY += kb[i];
            meanY /= n;
            double sxy = 0, sxx = 0;
            for (int i = 0; i < n; i++) {
                sxy += (i - meanX) * (kb[i] - meanY);
                sxx += (i - meanX) * (i - meanX);
            }
            return sxy / sxx;
        }

        /** RssAnon after the first sampled step, in KB (-1 when none). */
        public long firstKb() {
            return n == 0 ? -1 : kb[0];
        }

        /** RssAnon after the last sampled step, in KB (-1 when none). */
        public long lastKb() {
            return n == 0 ? -1 : kb[n - 1];
        }

        public int samples() {
            return n;
        }
    }
}
