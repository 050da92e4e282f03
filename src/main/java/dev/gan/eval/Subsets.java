package dev.gan.eval;

import dev.gan.Sha256;
import dev.gan.data.BatchSampler;
import dev.gan.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Seeded draws and splits of image sets, and their fingerprints, as the evaluation protocol records them. */
public final class Subsets {
    private Subsets() {
    }

    /** A seeded random order of 0..n-1 (the same on every machine). */
    public static int[] permutation(int n, long seed) {
        int[] p = IntStream.range(0, n).toArray();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The images (and labels) at {@code idx}, as a new set. */
    public static ImageSet select(ImageSet set, int[] idx, String source) {
        int per = set.imageBytes();
        byte[] px = new byte[idx.length * per];
        int[] labels = set.labelled() ? new int[idx.length] : null;
        for (int i = 0; i < idx.length; i++) {
            set.image(idx[i], px, i * per);
            if (labels != null) labels[i] = set.labels()[idx[i]];
        }
        return new ImageSet(px, idx.length, set.channels(), set.size(), labels, set.classNames(), source);
    }

    /** {@code n} images drawn without replacement with {@code seed} (all of them, reordered, if n >= count). */
    public static ImageSet draw(ImageSet set, int n, long seed) {
        int[] p = permutation(set.count(), seed);
        int k = Math.min(n, set.count());
        return select(set, java.util.Arrays.copyOf(p, k), set.source());
    }

    /** The whole set as one [-1, 1] batch. */
    public static INDArray asBatch(ImageSet set) {
        return BatchSampler.images(set, IntStream.range(0, set.count()).toArray());
    }

    /** SHA-256 of the pixels and labels: names a dataset by content, whatever its path. */
    public static String fingerprint(ImageSet set) {
        MessageDigest md = Sha256.digest();
        byte[] img = new byte[set.imageBytes()];
        for (int i = 0; i < set.count(); i++) {   // image by image: the set may be a mapped file of any size
            set.image(i, img, 0);
            md.update(img);
        }
        if (set.labelled()) {
            for (int l : set.labels()) md.update((byte) l);
        }
        return Sha256.hex(md);
    }
}
