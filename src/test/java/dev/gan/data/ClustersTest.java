package dev.gan.data;

import dev.gan.UserException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClustersTest {

    /** Three kinds of 28x28 image (dark, bright, left half bright), with pixel noise: k-means must find the kinds. */
    @Test
    void findsSeparableGroupsWhateverTheirOrder() {
        int n = 90;
        byte[] px = new byte[n * 784];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        int[] kind = new int[n];
        for (int i = 0; i < n; i++) {
            kind[i] = r.nextInt(3);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int base = kind[i] == 0 ? 20 : kind[i] == 1 ? 220 : x < 14 ? 220 : 20;
                    px[i * 784 + y * 28 + x] = (byte) (base + r.nextInt(30) - 15);
                }
            }
        }
        ImageSet data = new ImageSet(px, n, 1, 28, null, List.of(), "synthetic");
        ImageSet labelled = Clusters.label(data, 3, 42);
        assertEquals(List.of("cluster 1", "cluster 2", "cluster 3"), labelled.classNames());
        int[] clusterOfKind = {-1, -1, -1};
        for (int i = 0; i < n; i++) {
            int c = labelled.labels()[i];
            if (clusterOfKind[kind[i]] < 0) clusterOfKind[kind[i]] = c;
            assertEquals(clusterOfKind[kind[i]], c, "image " + i + " of kind " + kind[i]);
        }
        assertEquals(3, java.util.Arrays.stream(clusterOfKind).distinct().count(), "one cluster per kind");
        assertArrayEquals(labelled.labels(), Clusters.label(data, 3, 42).labels(), "same seed, same clusters");
        assertSame(px, labelled.pixels(), "pixels are shared, not copied");
    }

    @Test
    void poolsLargeImagesToAboutFourteenPixels() {
        ImageSet rgb64 = new ImageSet(new byte[2 * 3 * 64 * 64], 2, 3, 64, null, List.of(), "x");
        assertEquals(3 * 16 * 16, Clusters.features(rgb64)[0].length);
        ImageSet gray28 = new ImageSet(new byte[28 * 28], 1, 1, 28, null, List.of(), "x");
        assertEquals(14 * 14, Clusters.features(gray28)[0].length);
    }

    @Test
    void moreClustersThanImagesIsAnError() {
        ImageSet tiny = new ImageSet(new byte[2 * 784], 2, 1, 28, null, List.of(), "tiny.idx");
        UserException e = assertThrows(UserException.class, () -> Clusters.label(tiny, 5, 1));
        assertEquals("tiny.idx: has 2 images, fewer than the 5 clusters of model.clusters; lower model.clusters",
                e.getMessage());
    }
}
