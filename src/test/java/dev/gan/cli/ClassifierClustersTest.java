package dev.gan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gan.TestRuns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gan classifier train --clusters K} through the real CLI: an unlabelled folder trains a classifier on k-means
 * pseudo-classes that {@code gan eval} then scores with, a labelled folder learns class x cluster and reports its
 * accuracy on the classes, a CGAN is scored with both kinds, and a bad K is one line and exit 2.
 */
class ClassifierClustersTest {
    @TempDir
    static Path shared;
    /** 36 noisy 28x28 PNGs straight in the folder (red, green or blue), 24 more of the same kinds held out. */
    static Path flat, heldOut;
    /** Two classes of 20 PNGs each, half of them reddish and half bluish. */
    static Path icons;

    @BeforeAll
    static void makeFolders() throws Exception {
        flat = shared.resolve("flat");
        heldOut = shared.resolve("heldout");
        icons = shared.resolve("icons");
        drawImages(flat, 36, 1);
        drawImages(heldOut, 24, 2);
        drawImages(icons.resolve("apps"), 20, 3);
        drawImages(icons.resolve("places"), 20, 4);
    }

    private static void drawImages(Path dir, int n, long seed) throws Exception {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int kind = i % 3;
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int[] c = new int[3];
                    for (int ch = 0; ch < 3; ch++) c[ch] = (ch == kind ? 200 : 50) + r.nextInt(40) - 20;
                    img.setRGB(x, y, c[0] << 16 | c[1] << 8 | c[2]);
                }
            }
            assertTrue(ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile()));
        }
    }

    private static Path folderConfig(String name, Path folder) throws Exception {
        return TestRuns.tinyConfig(shared, name, "  format: folder\n  path: " + folder + "\n  image_size: 28\n"
                + "  channels: 3\n", "");
    }

    private static JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void anUnlabelledFolderTrainsOnClustersAndIsScored() throws Exception {
        Path cfg = folderConfig("flat", flat), clf = shared.resolve("flat.zip");
        TestRuns.Result refused = gan("classifier", "train", "--config", cfg.toString(), "--out", clf.toString());
        assertEquals(2, refused.exit(), refused.toString());
        assertEquals(flat + ": has no labels. The domain classifier learns the data's classes, and FID, KID, IS and "
                + "precision/recall are computed on its features: give --clusters K (e.g. 10) to learn K k-means "
                + "clusters of the images instead, or set data.labels (idx) or sort the images into one sub-folder "
                + "per class (folder)", refused.err().strip());

        TestRuns.Result r = gan("classifier", "train", "--config", cfg.toString(), "--clusters", "3", "--epochs", "2",
                "--out", clf.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("3 pseudo-classes: k-means of 16x16 thumbnails, 3 clusters of the unlabelled "
                + "images\n"), r.out());
        assertTrue(r.out().contains("; 3 pseudo-classes: k-means clusters of unlabelled images\n"), r.out());
        JsonNode info = json(shared.resolve("flat.json"));
        assertEquals(3, info.get("clusters").asInt());
        assertEquals(2, info.get("format_version").asInt());
        assertEquals(List.of("0", "1", "2"), names(info.get("class_names")));
        assertEquals(0, info.get("real_class_names").size());
        assertFalse(info.has("real_class_accuracy"), info.toString());

        Path out = shared.resolve("flat-eval.json");
        TestRuns.Result e = gan("eval", "--images", flat.toString(), "--classifier", clf.toString(), "--reference",
                heldOut.toString(), "--samples", "20", "--out", out.toString());
        assertEquals(0, e.exit(), e.toString());
        assertTrue(e.out().contains("; 3 k-means clusters of unlabelled images)"), e.out());
        JsonNode report = json(out);
        assertEquals(3, report.get("protocol").get("classifier_clusters").asInt());
        assertEquals(3, report.get("scores").get("class_counts").size());
        assertTrue(report.get("scores").get("fid").asDouble() >= 0, report.toString());
    }

    @Test
    void aLabelledFolderLearnsClassTimesClusterAndSaysItsClassAccuracy() throws Exception {
        Path cfg = folderConfig("icons", icons), clf = shared.resolve("icons.zip");
        TestRuns.Result r = gan("classifier", "train", "--config", cfg.toString(), "--clusters", "2", "--epochs", "2",
                "--out", clf.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("4 pseudo-classes: k-means of 16x16 thumbnails, 2 clusters in each of the 2 "
                + "classes\n") && r.out().contains("epoch 2/2: test accuracy ") && r.out().contains(" (on the 2 "
                + "classes: "), r.out());
        JsonNode info = json(shared.resolve("icons.json"));
        assertEquals(List.of("apps/0", "apps/1", "places/0", "places/1"), names(info.get("class_names")));
        assertEquals(List.of("apps", "places"), names(info.get("real_class_names")));
        double onClasses = info.get("real_class_accuracy").asDouble();
        assertTrue(onClasses >= 0 && onClasses <= 1, info.toString());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "; 4 pseudo-classes: 2 k-means clusters in "
                + "each of 2 classes, accuracy on the classes %.4f\n", onClasses)), r.out());

        // without --clusters: the classes themselves, as before, in a file older gans still read
        TestRuns.Result plain = gan("classifier", "train", "--config", cfg.toString(), "--epochs", "1", "--out",
                shared.resolve("plain.zip").toString());
        assertEquals(0, plain.exit(), plain.toString());
        JsonNode p = json(shared.resolve("plain.json"));
        assertEquals(List.of("apps", "places"), names(p.get("class_names")));
        assertEquals(0, p.get("clusters").asInt());
        assertEquals(1, p.get("format_version").asInt());
        assertFalse(p.has("real_class_names") || p.has("real_class_accuracy"), p.toString());
    }

    /**
     * A CGAN on the bundled data: a classifier of pseudo-classes of its classes still gives conditional accuracy and
     * CAS (a prediction's class is its label / K); one trained on the same images without labels cannot, and says so.
     */
    @Test
    void aCganIsScoredWithClassOrClusterClassifiers() throws Exception {
        Path cfg = TestRuns.tinyConfig(shared, "cg", "");
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "model.type=cgan").exit());
        Path run = shared.resolve("runs/cg-001");

        Path byClass = shared.resolve("fm-k2.zip");
        TestRuns.Result c = gan("classifier", "train", "--config", cfg.toString(), "--set", "data.limit=256",
                "--clusters", "2", "--epochs", "1", "--out", byClass.toString());
        assertEquals(0, c.exit(), c.toString());
        Path out = shared.resolve("cg-k2.json");
        TestRuns.Result e = gan("eval", "--checkpoint", run.toString(), "--classifier", byClass.toString(),
                "--samples", "64", "--out", out.toString());
        assertEquals(0, e.exit(), e.toString());
        assertTrue(e.out().contains("cond. acc.") && e.out().contains("CAS"), e.out());
        assertEquals(json(shared.resolve("fm-k2.json")).get("real_class_accuracy").asDouble(),
                json(out).get("scores").get("cas_real_data_accuracy").asDouble(), 1e-12,
                "CAS is compared with the accuracy on the classes, not on the pseudo-classes");

        Path unlabelled = shared.resolve("fm-flat.zip");
        c = gan("classifier", "train", "--config", cfg.toString(), "--set", "data.labels=", "--clusters", "3",
                "--epochs", "1", "--out", unlabelled.toString());
        assertEquals(0, c.exit(), c.toString());
        e = gan("eval", "--checkpoint", run.toString(), "--classifier", unlabelled.toString(), "--samples", "64",
                "--out", shared.resolve("cg-flat.json").toString());
        assertEquals(0, e.exit(), e.toString());
        assertTrue(e.out().startsWith("conditional accuracy and CAS: not available, " + unlabelled + " learnt k-means "
                + "clusters of unlabelled images (--clusters 3), not this CGAN's classes\n"), e.out());
        assertTrue(e.out().contains("  FID ") && !e.out().contains("cond. acc.") && !e.out().contains("CAS "), e.out());
    }

    @Test
    void aBadClusterCountIsOneLineAndExit2() throws Exception {
        Path cfg = folderConfig("bad", flat), clf = shared.resolve("bad.zip");
        TestRuns.Result one = gan("classifier", "train", "--config", cfg.toString(), "--clusters", "1", "--out",
                clf.toString());
        assertEquals(2, one.exit(), one.toString());
        assertEquals("--clusters 1: must be 0 (off: the data's own classes) or at least 2; give e.g. --clusters 10 "
                + "(k-means clusters per class)", one.err().strip());
        // 36 images: 7 held out for testing, 29 to cluster
        TestRuns.Result many = gan("classifier", "train", "--config", cfg.toString(), "--clusters", "50", "--out",
                clf.toString());
        assertEquals(2, many.exit(), many.toString());
        assertEquals("--clusters 50: " + flat + " (training part) has only 29 images, fewer than the 50 clusters to "
                + "split them into; lower --clusters to at most 29", many.err().strip());
        assertFalse(Files.exists(clf), "nothing written");
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
