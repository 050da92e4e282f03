package dev.gan.eval;

import dev.gan.UserException;
import dev.gan.data.ImageSet;
import dev.gan.data.KMeans;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Pseudo-labels for the domain classifier ({@code gan classifier train --clusters K}), one round of DeepCluster
 * (Caron et al. 2018): the images of each class - or all of them, when the data has no classes - are split by k-means
 * into K clusters of look-alike images, and the classifier learns class x cluster (label = class * K + cluster).
 *
 * <p>Why: FID, KID and precision/recall live in the classifier's features. A classifier that only has to tell a few
 * coarse classes apart (three kinds of desktop icon, at 0.99 accuracy) learns features that see little but the
 * class, so even blurry samples score near the floor; telling look-alike groups within a class apart makes it see
 * shape and colour. And a folder without classes gets labels at all, so it can be scored.
 *
 * <p>The clusters are of a cheap descriptor that needs no network: each image area-averaged to {@value #SIDE}x{@value
 * #SIDE} per channel, in [0, 1] (768 values for RGB, 256 for grayscale). k-means++ from the classifier's seed, Lloyd
 * iterations until no image moves or {@value #MAX_ITERATIONS}, an emptied cluster restarted at the image farthest
 * from its centre. The centres are fitted on the classifier's training images only; every image, its test images
 * included, then takes the nearest centre of its own class (for the training images that is k-means' own answer once
 * it has converged), so test images never shape the clusters they are tested on.
 */
public final class PseudoLabels {
    /** Side of the area-averaged thumbnail the clusters are computed on. */
    public static final int SIDE = 16;
    static final int MAX_ITERATIONS = 100;

    private final int k;
    private final List<String> classes;   // the data's classes; empty when it has none
    private final float[][][] centres;    // [class][cluster][descriptor]

    private PseudoLabels(int k, List<String> classes, float[][][] centres) {
        this.k = k;
        this.classes = classes;
        this.centres = centres;
    }

    /** {@code --clusters K}: 0 (off) or at least 2; anything else is one line naming the flag. */
    public static void requireK(int k) {
        if (k != 0 && k < 2) {
            throw new UserException("--clusters " + k + ": must be 0 (off: the data's own classes) or at least 2; "
                    + "give e.g. --clusters 10 (k-means clusters per class)");
        }
    }

    /** K clusters of each class of {@code train} (of all of it when it has no labels), seeded by {@code seed}. */
    public static PseudoLabels fit(ImageSet train, int k, long seed) {
        requireK(k);
        List<String> classes = train.labelled() ? train.classNames() : List.of();
        int groups = Math.max(1, classes.size());
        List<List<Integer>> members = new ArrayList<>();
        for (int g = 0; g < groups; g++) members.add(new ArrayList<>());
        for (int i = 0; i < train.count(); i++) members.get(train.labelled() ? train.labels()[i] : 0).add(i);
        requireEnough(train, classes, members, k);
        float[][] d = descriptors(train);
        float[][][] centres = new float[groups][][];
        for (int g = 0; g < groups; g++) {
            float[][] x = members.get(g).stream().map(i -> d[i]).toArray(float[][]::new);
            centres[g] = KMeans.fit(x, k, seed, MAX_ITERATIONS, true).centres();
        }
        return new PseudoLabels(k, classes, centres);
    }

    /** {@code set} labelled class * K + nearest centre of its class, with the pseudo class names. */
    public ImageSet label(ImageSet set) {
        if (set.labelled() != !classes.isEmpty()) {
            throw new IllegalArgumentException(set.source() + ": labelled " + set.labelled() + ", clusters fitted on "
                    + (classes.isEmpty() ? "unlabelled" : "labelled") + " images");
        }
        float[][] d = descriptors(set);
        int[] labels = new int[set.count()];
        for (int i = 0; i < labels.length; i++) {
            int g = set.labelled() ? set.labels()[i] : 0;
            labels[i] = g * k + KMeans.nearest(d[i], centres[g]);
        }
        return new ImageSet(set.store(), set.count(), set.channels(), set.size(), labels, names(), set.source(),
                set.skippedFiles());
    }

    /** "apps/0", "apps/1", ... (label = class * K + cluster), or "0".."K-1" for data without classes. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        if (classes.isEmpty()) {
            for (int c = 0; c < k; c++) out.add(String.valueOf(c));
        } else {
            for (String name : classes) for (int c = 0; c < k; c++) out.add(name + "/" + c);
        }
        return out;
    }

    /** Pseudo-class labels mapped back to the data's classes: label / K. */
    public static int[] toClasses(int[] labels, int k) {
        int[] out = new int[labels.length];
        for (int i = 0; i < out.length; i++) out[i] = labels[i] / k;
        return out;
    }

    /** The data's own classes (empty when it has none). */
    public List<String> classes() {
        return classes;
    }

    /** For the log: how the pseudo-classes were made. */
    public String description() {
        String how = "k-means of " + SIDE + "x" + SIDE + " thumbnails";
        return classes.isEmpty()
                ? String.format(Locale.ROOT, "%d pseudo-classes: %s, %d clusters of the unlabelled images", k, how, k)
                : String.format(Locale.ROOT, "%d pseudo-classes: %s, %d clusters in each of the %d classes",
                k * classes.size(), how, k, classes.size());
    }

    private static void requireEnough(ImageSet train, List<String> classes, List<List<Integer>> members, int k) {
        int smallest = 0;
        for (int g = 1; g < members.size(); g++) {
            if (members.get(g).size() < members.get(smallest).size()) smallest = g;
        }
        int have = members.get(smallest).size();
        if (have >= k) return;
        String count = have == 0 ? "no images" : "only " + have + " image" + (have == 1 ? "" : "s");
        String what = classes.isEmpty() ? train.source() + " has " + count
                : "class " + classes.get(smallest) + " has " + count + " in " + train.source();
        throw new UserException("--clusters " + k + ": " + what + ", fewer than the " + k + " clusters to split "
                + (classes.isEmpty() ? "them" : "it") + " into; " + (have >= 2 ? "lower --clusters to at most " + have
                : "give the class more images, or leave --clusters out"));
    }

    /** Each image area-averaged to SIDE x SIDE per channel, in [0, 1]: a fixed-length descriptor of any image size. */
    static float[][] descriptors(ImageSet set) {
        int s = set.size(), ch = set.channels();
        double[][] w = areaWeights(s);
        int[] first = new int[s], last = new int[s];   // the output cells source pixel p falls in (w is sparse)
        for (int p = 0; p < s; p++) {
            first[p] = SIDE;
            for (int o = 0; o < SIDE; o++) {
                if (w[o][p] == 0) continue;
                first[p] = Math.min(first[p], o);
                last[p] = o;
            }
        }
        float[][] out = new float[set.count()][ch * SIDE * SIDE];
        byte[] px = new byte[set.imageBytes()];
        double[] rows = new double[s * SIDE];   // one channel averaged along x: [y][ox]
        double[] cells = new double[SIDE * SIDE];
        for (int i = 0; i < set.count(); i++) {
            set.image(i, px, 0);
            for (int c = 0; c < ch; c++) {
                int base = c * s * s;
                Arrays.fill(rows, 0);
                Arrays.fill(cells, 0);
                for (int y = 0; y < s; y++) {
                    for (int x = 0; x < s; x++) {
                        double v = (px[base + y * s + x] & 0xff) / 255.0;
                        for (int o = first[x]; o <= last[x]; o++) rows[y * SIDE + o] += w[o][x] * v;
                    }
                }
                for (int y = 0; y < s; y++) {
                    for (int oy = first[y]; oy <= last[y]; oy++) {
                        for (int ox = 0; ox < SIDE; ox++) cells[oy * SIDE + ox] += w[oy][y] * rows[y * SIDE + ox];
                    }
                }
                for (int j = 0; j < cells.length; j++) out[i][c * SIDE * SIDE + j] = (float) cells[j];
            }
        }
        return out;
    }

    /**
     * w[o][p]: the share of output cell o (source interval [o s/SIDE, (o+1) s/SIDE)) that source pixel p covers; each
     * row sums to 1, so this is a true area average for any side, larger or smaller than SIDE.
     */
    private static double[][] areaWeights(int s) {
        double[][] w = new double[SIDE][s];
        double cell = s / (double) SIDE;
        for (int o = 0; o < SIDE; o++) {
            double lo = o * cell, hi = (o + 1) * cell;
            for (int p = (int) Math.floor(lo); p < Math.min(s, (int) Math.ceil(hi)); p++) {
                w[o][p] = (Math.min(hi, p + 1) - Math.max(lo, p)) / cell;
            }
        }
        return w;
    }
}
