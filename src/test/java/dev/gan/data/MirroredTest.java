package dev.gan.data;

import dev.gan.TestRuns;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code data.mirror} on the data training really reads: a folder of random RGB PNGs (which training packs and
 * memory-maps) and the bundled IDX file (held in memory). The second half is the first mirrored pixel by pixel, the
 * labels and clusters follow, and the sampler's epoch covers all 2N images once.
 */
class MirroredTest {
    @TempDir
    Path tmp;

    private ExperimentConfig config(String name, String dataYaml, String... sets) throws Exception {
        return ConfigLoader.load(TestRuns.tinyConfig(tmp, name, dataYaml, ""), List.of(sets));
    }

    /** A folder of two classes of random-noise RGB images (noise: no image is its own mirror). */
    private Path noiseFolder() throws Exception {
        Path root = tmp.resolve("pics");
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 12; i++) {
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, r.nextInt(1 << 24));
            FolderSourceTest.write(img, root.resolve((i % 2 == 0 ? "cats" : "dogs") + "/" + i + ".png"));
        }
        return root;
    }

    @Test
    void aFolderMappedFromTheCacheGainsItsFlips() throws Exception {
        String data = "  format: folder\n  path: " + noiseFolder() + "\n  image_size: 28\n  channels: 3\n";
        ImageSet plain = TrainingData.load(config("plain", data));
        ImageSet mirrored = TrainingData.load(config("mirrored", data, "data.mirror=true"));
        assertTrue(Mirrored.unflipped(mirrored).store() instanceof MappedPixels, "training maps a folder's pack");
        assertFlipsOf(plain, mirrored);
    }

    @Test
    void anIdxFileGainsItsFlipsAndAFlipKeepsItsCluster() throws Exception {
        ImageSet plain = TrainingData.load(config("plain", idx(), "model.clusters=3"));
        ImageSet mirrored = TrainingData.load(config("mirrored", idx(), "model.clusters=3", "data.mirror=true"));
        assertEquals(List.of("cluster 1", "cluster 2", "cluster 3"), mirrored.classNames());
        assertFlipsOf(plain, mirrored);
    }

    private static String idx() {
        return "  images: data/fashion-mnist/t10k-images-idx3-ubyte.gz\n  limit: 40\n";
    }

    private static void assertFlipsOf(ImageSet plain, ImageSet mirrored) {
        int n = plain.count(), w = plain.size(), per = plain.imageBytes();
        assertEquals(2 * n, mirrored.count());
        assertTrue(Mirrored.isMirrored(mirrored) && !Mirrored.isMirrored(plain));
        assertEquals(n, Mirrored.unflipped(mirrored).count());
        byte[] a = new byte[per], m = new byte[per], f = new byte[per];
        int differ = 0;
        for (int i = 0; i < n; i++) {
            plain.image(i, a, 0);
            mirrored.image(i, m, 0);
            assertArrayEquals(a, m, "image " + i + " is the original");
            mirrored.image(n + i, f, 0);
            if (!Arrays.equals(a, f)) differ++;
            for (int c = 0; c < plain.channels(); c++) {
                for (int y = 0; y < w; y++) {
                    for (int x = 0; x < w; x++) {
                        int at = (c * w + y) * w;
                        assertEquals(a[at + w - 1 - x], f[at + x], "flip " + i + " at (c " + c + ", y " + y + ", x " + x + ")");
                    }
                }
            }
            if (plain.labelled()) assertEquals(plain.labels()[i], mirrored.labels()[n + i], "a flip keeps its label");
        }
        assertTrue(differ > n / 2, "flips are not copies: " + differ + " of " + n + " differ");
        // a read that starts inside an original and ends inside a flip (stores are read by byte ranges)
        byte[] span = new byte[2 * per];
        mirrored.store().read((long) (n - 1) * per, span, 0, 2 * per);
        plain.image(n - 1, a, 0);
        mirrored.image(n, f, 0);
        assertArrayEquals(a, Arrays.copyOfRange(span, 0, per));
        assertArrayEquals(f, Arrays.copyOfRange(span, per, 2 * per));
    }

    @Test
    void anEpochDrawsEveryImageAndEveryFlipOnce() throws Exception {
        ImageSet plain = TrainingData.load(config("plain", idx()));
        ImageSet mirrored = Mirrored.of(plain);
        BatchSampler sampler = new BatchSampler(mirrored, 16, 7);
        assertEquals(2, new BatchSampler(plain, 16, 7).batchesPerEpoch(), "40 images: 2 batches of 16");
        assertEquals(5, sampler.batchesPerEpoch(), "80 images of which 40 flips: 5 batches of 16");
        Map<String, Integer> drawn = new HashMap<>();
        for (int b = 0; b < sampler.batchesPerEpoch(); b++) {
            BatchSampler.Batch batch = sampler.batch(b);
            assertEquals(0, batch.epoch());
            for (int i = 0; i < 16; i++) drawn.merge(Arrays.toString(batch.images().get(
                    org.nd4j.linalg.indexing.NDArrayIndex.point(i)).dup().data().asFloat()), 1, Integer::sum);
        }
        List<String> all = new ArrayList<>();
        for (int i = 0; i < mirrored.count(); i++) {
            all.add(Arrays.toString(BatchSampler.images(mirrored, new int[]{i}).data().asFloat()));
        }
        Map<String, Integer> expected = new HashMap<>();
        all.forEach(k -> expected.merge(k, 1, Integer::sum));
        assertEquals(expected, drawn, "one epoch = each of the 2N images once");
        assertNotEquals(all.subList(0, 40), all.subList(40, 80));
    }
}
