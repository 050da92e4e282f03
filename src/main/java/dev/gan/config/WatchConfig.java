package dev.gan.config;

/**
 * The training health watch. Non-finite losses or parameters always stop a run; the two slower failures below
 * print a warning into the console and log.txt, or stop the run when {@code stop} is true.
 *
 * @param window        steps over which D(x) and D(G(z)) are averaged for the saturation check; also the warm-up
 *                      before the diversity check starts (an untrained generator's samples are alike)
 * @param saturation    D counts as saturated when mean D(x) > 1 - saturation and mean D(G(z)) < saturation over the
 *                      window (G then gets almost no gradient)
 * @param collapseRatio the fixed-noise samples count as collapsed when their mean pairwise distance falls below this
 *                      share of the same measure on as many real images
 * @param every         check the fixed-noise samples' diversity every N steps
 * @param stop          stop the run (exit code 1, resumable) instead of warning
 */
public record WatchConfig(int window, double saturation, double collapseRatio, int every, boolean stop) {

    public static WatchConfig defaults() {
        return new WatchConfig(200, 0.01, 0.25, 50, false);
    }

    void validate(String at, Problems p) {
        p.check(window >= 1, at + ".window", "must be >= 1", window);
        p.check(saturation > 0 && saturation < 0.5, at + ".saturation", "must be > 0 and < 0.5", saturation);
        p.check(collapseRatio >= 0 && collapseRatio < 1, at + ".collapse_ratio",
                "must be >= 0 and < 1 (0 turns the diversity check off)", collapseRatio);
        p.check(every >= 1, at + ".every", "must be >= 1", every);
    }
}
