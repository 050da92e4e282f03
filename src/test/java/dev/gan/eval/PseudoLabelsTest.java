package dev.gan.eval;

import dev.gan.UserException;
import dev.gan.data.ImageSet;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The k-means pseudo-labels of {@code gan classifier train --clusters}: what they separate, and their errors. */
class PseudoLabelsTest {

    /**
     * {@code n} noisy 16x16 RGB images, each reddish or bluish at random (kind 0 / 1, returned in {@code kind}), with
     * the given labels (null: unlabelled).
     */
    private static ImageSet redAndBlue(int n, long seed, int[] kind, int[] labels, List<String> classes) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[n * 3 * 256];
        for (int i = 0; i < n; i++) {
            kind[i] = r.nextInt(2);
            for (int c = 0; c < 3; c++) {
                int base = c == 0 ? (kind[i] == 0 ? 200 : 40) : c == 2 ? (kind[i] == 0 ? 40 : 200) : 90;
                for (int p = 0; p < 256; p++) px[(i * 3 + c) * 256 + p] = (byte) (base + r.nextInt(50) - 25);
            }
        }
        return new ImageSet(px, n, 3, 16, labels, classes, "colours");
    }

    @Test
    void redAndBlueImagesGoToTwoClustersTheSameForASeed() {
        int[] kind = new int[40];
        ImageSet data = redAndBlue(40, 1, kind, null, List.of());
        PseudoLabels fitted = PseudoLabels.fit(data, 2, 7);
        ImageSet labelled = fitted.label(data);
        assertEquals(List.of("0", "1"), labelled.classNames());
        int[] clusterOfKind = {-1, -1};
        for (int i = 0; i < 40; i++) {
            if (clusterOfKind[kind[i]] < 0) clusterOfKind[kind[i]] = labelled.labels()[i];
            assertEquals(clusterOfKind[kind[i]], labelled.labels()[i], "image " + i + " of kind " + kind[i]);
        }
        assertNotEquals(clusterOfKind[0], clusterOfKind[1], "red and blue in different clusters");
        assertArrayEquals(labelled.labels(), PseudoLabels.fit(data, 2, 7).label(data).labels(), "same seed, same labels");

        // images the clusters were not fitted on take the nearest centre: red with red, blue with blue
        int[] otherKind = new int[20];
        ImageSet other = fitted.label(redAndBlue(20, 2, otherKind, null, List.of()));
        for (int i = 0; i < 20; i++) assertEquals(clusterOfKind[otherKind[i]], other.labels()[i], "new image " + i);
    }

    @Test
    void eachClassIsSplitOnItsOwnAndLabelsAreClassTimesKPlusCluster() {
        int n = 60;
        int[] kind = new int[n], labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 3;
        ImageSet data = redAndBlue(n, 3, kind, labels, List.of("apps", "mimetypes", "places"));
        ImageSet labelled = PseudoLabels.fit(data, 2, 0).label(data);
        assertEquals(List.of("apps/0", "apps/1", "mimetypes/0", "mimetypes/1", "places/0", "places/1"),
                labelled.classNames());
        int[][] clusterOf = new int[3][2];
        for (int[] row : clusterOf) Arrays.fill(row, -1);
        for (int i = 0; i < n; i++) {
            int label = labelled.labels()[i];
            assertEquals(labels[i], label / 2, "a pseudo-class stays inside its class");
            if (clusterOf[labels[i]][kind[i]] < 0) clusterOf[labels[i]][kind[i]] = label % 2;
            assertEquals(clusterOf[labels[i]][kind[i]], label % 2, "image " + i);
        }
        for (int[] row : clusterOf) assertNotEquals(row[0], row[1], "red and blue apart within each class");
        assertArrayEquals(new int[]{0, 0, 1, 2, 2}, PseudoLabels.toClasses(new int[]{0, 1, 2, 4, 5}, 2));
    }

    /** A true area average for any side: 28 px (1.75 per cell), 8 px (each pixel spread over two cells), gray or RGB. */
    @Test
    void descriptorsAreSixteenBySixteenAreaAverages() {
        byte[] px = new byte[28 * 28];
        for (int y = 0; y < 28; y++) for (int x = 0; x < 14; x++) px[y * 28 + x] = (byte) 255;
        float[] d = PseudoLabels.descriptors(new ImageSet(px, 1, 1, 28, null, List.of(), "x"))[0];
        assertEquals(256, d.length);
        for (int i = 0; i < 256; i++) assertEquals(i % 16 < 8 ? 1f : 0f, d[i], 1e-6f, "cell " + i);

        byte[] rgb = new byte[3 * 8 * 8];
        Arrays.fill(rgb, 0, 64, (byte) 255);
        Arrays.fill(rgb, 64, 128, (byte) 51);
        float[] e = PseudoLabels.descriptors(new ImageSet(rgb, 1, 3, 8, null, List.of(), "x"))[0];
        assertEquals(768, e.length);
        assertEquals(1f, e[17], 1e-6f);
        assertEquals(0.2f, e[256 + 100], 1e-6f);
        assertEquals(0f, e[512 + 255], 1e-6f);
    }

    @Test
    void badClusterCountsAreOneLineNamingTheFlag() {
        UserException one = assertThrows(UserException.class, () -> PseudoLabels.requireK(1));
        assertEquals("--clusters 1: must be 0 (off: the data's own classes) or at least 2; give e.g. --clusters 10 "
                + "(k-means clusters per class)", one.getMessage());
        PseudoLabels.requireK(0);

        int[] kind = new int[10], labels = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
        ImageSet data = redAndBlue(10, 4, kind, labels, List.of("apps", "places"));
        UserException many = assertThrows(UserException.class, () -> PseudoLabels.fit(data, 4, 0));
        assertEquals("--clusters 4: class places has only 3 images in colours, fewer than the 4 clusters to split it "
                + "into; lower --clusters to at most 3", many.getMessage());
        ImageSet flat = redAndBlue(10, 4, kind, null, List.of());
        UserException all = assertThrows(UserException.class, () -> PseudoLabels.fit(flat, 11, 0));
        assertEquals("--clusters 11: colours has only 10 images, fewer than the 11 clusters to split them into; "
                + "lower --clusters to at most 10", all.getMessage());
    }
}
