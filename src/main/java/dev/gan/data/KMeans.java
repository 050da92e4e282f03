package dev.gan.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * k-means on float rows, shared by the self-conditioned DCGAN's clusters ({@link Clusters}) and the domain
 * classifier's pseudo-labels ({@code eval.PseudoLabels}): k-means++ seeding, then Lloyd iterations until no row
 * changes cluster or {@code maxIterations} have run. Deterministic for a seed (the same clusters on every machine),
 * which both users need: a resumed run and a retrained classifier must see the same labels.
 */
public final class KMeans {
    private KMeans() {
    }

    /**
     * @param centres    the k centres after the last iteration
     * @param assignment cluster (0..k-1) of every row
     */
    public record Result(float[][] centres, int[] assignment) {
    }

    /**
     * Clusters the rows of {@code x} (at least {@code k} of them). {@code reseedEmpty}: a cluster left without rows
     * restarts at the row farthest from its own centre, so that all k clusters stay in use; without it an emptied
     * cluster keeps its centre (what model.clusters has always done, and must keep doing for its runs to resume).
     */
    public static Result fit(float[][] x, int k, long seed, int maxIterations, boolean reseedEmpty) {
        int n = x.length, dim = x[0].length;
        float[][] centres = seedCentres(x, k, new SplittableRandom(seed));
        int[] id = new int[n];
        Arrays.fill(id, -1);
        for (int it = 0; it < maxIterations; it++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = nearest(x[i], centres);
                if (best != id[i]) {
                    id[i] = best;
                    changed = true;
                }
            }
            if (!changed) break;
            float[][] sum = new float[k][dim];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                count[id[i]]++;
                float[] s = sum[id[i]];
                for (int j = 0; j < dim; j++) s[j] += x[i][j];
            }
            for (int c = 0; c < k; c++) {
                if (count[c] == 0) continue;
                for (int j = 0; j < dim; j++) centres[c][j] = sum[c][j] / count[c];
            }
            if (reseedEmpty) reseedEmpty(x, centres, id, count);
        }
        return new Result(centres, id);
    }

    /** Index of the centre nearest to {@code v} (squared Euclidean distance; the lowest index on a tie). */
    public static int nearest(float[] v, float[][] centres) {
        int best = 0;
        double bestD = Double.MAX_VALUE;
        for (int c = 0; c < centres.length; c++) {
            double d = distance(v, centres[c]);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    /**
     * Each empty cluster takes the row farthest from its centre, from a cluster that keeps at least one row; that
     * row moves at once, so a second empty cluster takes another one.
     */
    private static void reseedEmpty(float[][] x, float[][] centres, int[] id, int[] count) {
        for (int c = 0; c < centres.length; c++) {
            if (count[c] > 0) continue;
            int far = -1;
            double farD = -1;
            for (int i = 0; i < x.length; i++) {
                if (count[id[i]] < 2) continue;
                double d = distance(x[i], centres[id[i]]);
                if (d > farD) {
                    farD = d;
                    far = i;
                }
            }
            if (far < 0) return;   // fewer rows than clusters: nothing to move
            count[id[far]]--;
            count[c]++;
            id[far] = c;
            centres[c] = x[far].clone();
        }
    }

    /** k-means++: each next centre drawn with probability proportional to the squared distance to the nearest. */
    private static float[][] seedCentres(float[][] x, int k, SplittableRandom r) {
        int n = x.length;
        float[][] centres = new float[k][];
        centres[0] = x[r.nextInt(n)].clone();
        double[] d2 = new double[n];
        Arrays.fill(d2, Double.MAX_VALUE);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], distance(x[i], centres[c - 1]));
                total += d2[i];
            }
            double t = r.nextDouble() * total;
            int pick = n - 1;
            for (int i = 0; i < n; i++) {
                t -= d2[i];
                if (t <= 0) {
                    pick = i;
                    break;
                }
            }
            centres[c] = x[pick].clone();
        }
        return centres;
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double d = a[j] - b[j];
            s += d * d;
        }
        return s;
    }
}
