package dev.gan.augment;

/**
 * One line of the study's table: one training set at one real size, measured once per repeat.
 *
 * @param arm         which training set
 * @param real        real images per class (0 for synthetic only)
 * @param synthetic   synthetic images per class (0 for the real-only sets)
 * @param accuracies  test accuracy of each repeat
 * @param gains       accuracy minus the real-only accuracy of the same repeat (same real draw and seed), or null
 *                    for the rows that are not compared with it
 */
record Row(Arm arm, int real, int synthetic, double[] accuracies, double[] gains) {

    /** The training sets of the study. */
    enum Arm {
        REAL("real", "real only"),
        CLASSIC("real+classic", "real + flips/shifts"),
        MIXED("real+synthetic", "real + synthetic"),
        SYNTHETIC("synthetic", "synthetic only (CAS)");

        final String key, label;

        Arm(String key, String label) {
            this.key = key;
            this.label = label;
        }
    }

    Stats accuracy() {
        return Stats.of(accuracies);
    }

    Stats gain() {
        return gains == null ? null : Stats.of(gains);
    }

    /** Mean, sample standard deviation (NaN for one value) and a 95% t-interval of the mean. */
    record Stats(double mean, double sd, double low, double high) {
        /** Two-sided 95% quantiles of Student's t for 1..10 degrees of freedom; beyond, 2.2 errs on the wide side. */
        private static final double[] T95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};

        static Stats of(double[] v) {
            int n = v.length;
            double mean = 0;
            for (double x : v) mean += x / n;
            if (n < 2) return new Stats(mean, Double.NaN, Double.NaN, Double.NaN);
            double ss = 0;
            for (double x : v) ss += (x - mean) * (x - mean);
            double sd = Math.sqrt(ss / (n - 1)), half = (n - 1 <= T95.length ? T95[n - 2] : 2.2) * sd / Math.sqrt(n);
            return new Stats(mean, sd, mean - half, mean + half);
        }

        /** helped / hurt when the 95% interval of a gain excludes 0, else no clear change. */
        String verdict() {
            if (Double.isNaN(low)) return "one repeat: no spread to judge by";
            return low > 0 ? "helped" : high < 0 ? "hurt" : "no clear change";
        }
    }
}
