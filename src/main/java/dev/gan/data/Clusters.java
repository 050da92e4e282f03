package dev.gan.data;

import java.util.ArrayList;
import java.util.List;

/**
 * k-means clusters of a dataset's images, used as pseudo-labels by the self-conditioned DCGAN ({@code model.clusters};
 * Liu et al., "Diverse Image Generation via Self-Conditioned GANs", CVPR 2020, with fixed clusters of the pixels).
 * Conditioning G and D on a cluster splits one unconditional problem into several easier ones, as class labels do
 * for a CGAN, without using any human labels; each grid row then shows one mode of the data.
 *
 * <p>Images are mean-pooled to at most about 14x14 per channel first: the clusters only need the coarse shape, and it
 * keeps clustering 60,000 images to a few seconds. k-means++ seeding, then Lloyd iterations until no image changes
 * cluster (at most {@link #MAX_ITERATIONS}). Deterministic for a seed, so a resumed run gets the same clusters.
 */
public final class Clusters {
    static final int MAX_ITERATIONS = 50;
    static final int TARGET_SIDE = 14;

    private Clusters() {
    }

    /** The dataset with its labels replaced by cluster ids and its class names by "cluster 1".."cluster k". */
    public static ImageSet label(ImageSet data, int k, long seed) {
        if (data.count() < k) {
            throw new dev.gan.UserException(data.source() + ": has " + data.count() + " images, fewer than the "
                    + k + " clusters of model.clusters; lower model.clusters");
        }
        int[] ids = assign(features(data), k, seed);
        List<String> names = new ArrayList<>();
        for (int c = 1; c <= k; c++) names.add("cluster " + c);
        return new ImageSet(data.store(), data.count(), data.channels(), data.size(), ids, names, data.source(),
                data.skippedFiles());
    }

    /** Each image mean-pooled by an integer factor so that its side is about {@link #TARGET_SIDE}, in [0, 1]. */
    static float[][] features(ImageSet data) {
        int s = data.size(), f = Math.max(1, s / TARGET_SIDE), side = s / f, ch = data.channels();
        float[][] out = new float[data.count()][ch * side * side];
        byte[] px = new byte[data.imageBytes()];
        float norm = 1f / (255f * f * f);
        for (int i = 0; i < data.count(); i++) {
            data.image(i, px, 0);
            int base = 0;
            float[] v = out[i];
            for (int c = 0; c < ch; c++) {
                for (int y = 0; y < side * f; y++) {
                    for (int x = 0; x < side * f; x++) {
                        v[(c * side + y / f) * side + x / f] += (px[base + (c * s + y) * s + x] & 0xff) * norm;
                    }
                }
            }
        }
        return out;
    }

    /**
     * k-means cluster id (0..k-1) of every row of {@code x}. An emptied cluster keeps its centre (k-means++ makes this
     * rare), as it did when the first runs were clustered, so that they resume with the same clusters.
     */
    static int[] assign(float[][] x, int k, long seed) {
        return KMeans.fit(x, k, seed, MAX_ITERATIONS, false).assignment();
    }
}
