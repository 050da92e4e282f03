package dev.gan.augment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gan.TestRuns;
import dev.gan.data.IdxReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gan augment} through the real CLI on a tiny CGAN trained here (6 steps on the first 128 bundled images):
 * the table, JSON and plot, test images disjoint from the GAN's and the classifiers' images, seeds that reproduce,
 * a clustered DCGAN labelled by the shipped classifier, and one exact message per refusal. The real images come from
 * the rest of the bundled file, which the tiny GAN did not see: that keeps the test off the 60k download.
 */
class AugmentCommandTest {
    static final String IMAGES = "data/fashion-mnist/t10k-images-idx3-ubyte.gz";
    static final String LABELS = "data/fashion-mnist/t10k-labels-idx1-ubyte.gz";
    /** The tiny GAN trains on the first 128 images of {@link #IMAGES}. */
    static final int GAN_IMAGES = 128;

    @TempDir
    static Path shared;
    static Path cgan;
    @TempDir
    Path tmp;

    @BeforeAll
    static void trainTinyCgan() throws Exception {
        Path cfg = TestRuns.tinyConfig(shared, "cg", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "model.type=cgan");
        assertEquals(0, r.exit(), r.toString());
        cgan = shared.resolve("runs/cg-001");
    }

    /** A tiny study (5 classifier steps, 300 test candidates) with these sizes. */
    private static TestRuns.Result study(Path out, String real, String repeats, String... extra) {
        List<String> args = new ArrayList<>(List.of("augment", "--checkpoint", cgan.toString(), "--real", real,
                "--synthetic", "0,3", "--repeats", repeats, "--steps", "5", "--test-count", "300",
                "--train-images", IMAGES, "--train-labels", LABELS, "--out", out.toString()));
        args.addAll(List.of(extra));
        return gan(args.toArray(String[]::new));
    }

    private static JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void writesTableJsonAndPlotOnImagesNobodyTrainedOn() throws Exception {
        Path out = tmp.resolve("a");
        TestRuns.Result r = study(out, "2,4", "2");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("synthetic images: labelled with the class they were generated for"), r.out());
        assertTrue(r.out().contains("each classifier: 5 steps of batch 64 (gan classifier train's network, Adam 1e-3), "
                + "2 repeats (seeds 0..1)"), r.out());
        for (String row : new String[]{"         2  real only                        0  ",
                "         2  real + flips/shifts              0  ", "         4  real + synthetic                 3  ",
                "         -  synthetic only (CAS)             3  ", "at 2 real/class: flips/shifts ",
                "at 4 real/class: flips/shifts "}) {
            assertTrue(r.out().contains(row), row + " in\n" + r.out());
        }
        assertEquals(String.join("\n", r.out().lines().dropWhile(l -> !l.startsWith("real/class"))
                .takeWhile(l -> !l.startsWith("wrote")).toList()) + "\n", Files.readString(out.resolve("augment.txt")));
        assertEquals(900, ImageIO.read(out.resolve("augment.png").toFile()).getWidth());

        JsonNode j = json(out.resolve("augment.json")), p = j.get("protocol");
        assertEquals("cgan", p.get("checkpoint").get("model_type").asText());
        assertEquals(64, p.get("checkpoint").get("sha256").asText().length());
        assertEquals(GAN_IMAGES, p.get("gan_data").get("images").asInt());
        assertEquals(10000 - 300, p.get("real_pool").get("images").asInt());
        assertEquals(5, p.get("classifier").get("steps").asInt());
        assertEquals("[2,4]", p.get("real_per_class").toString());
        assertEquals("[0,3]", p.get("synthetic_per_class").toString());
        assertEquals("[0,1]", p.get("seeds").toString());
        assertEquals(4, p.get("real_draws").size(), "2 seeds x 2 sizes");
        assertEquals(40, p.get("real_draws").get(1).get("images").asInt());
        JsonNode rows = j.get("rows");
        assertEquals(2 * 3 + 1, rows.size(), "per N: real, flips/shifts, +3 synthetic; then synthetic only");
        for (JsonNode row : rows) {
            assertEquals(2, row.get("accuracies").size(), row.toString());
            assertTrue(row.get("accuracy_sd").isNumber(), row.toString());
        }
        assertEquals("real+synthetic", rows.get(5).get("training_set").asText());
        assertEquals(rows.get(5).get("accuracies").get(0).asDouble() - rows.get(3).get("accuracies").get(0).asDouble(),
                rows.get(5).get("gains").get(0).asDouble(), 1e-12, "gains are paired with real only of the same seed");

        // the test images: none is one of the GAN's 128 or of any real draw, by index and by pixels
        int testImages = p.get("test").get("images").asInt(), dropped = p.get("test").get("duplicates_dropped").asInt();
        assertEquals(300, testImages + dropped);
        assertTrue(dropped > 0, "a random 300 of the file holds some of the GAN's first 128: " + p.get("test"));
        JsonNode splits = json(out.resolve("augment-splits.json"));
        byte[] px = IdxReader.read(Path.of(IMAGES)).data();
        Set<ByteBuffer> trained = new HashSet<>();
        for (int i = 0; i < GAN_IMAGES; i++) trained.add(image(px, i));
        splits.get("real").forEach(seed -> seed.forEach(draw -> draw.forEach(i -> trained.add(image(px, i.asInt())))));
        assertEquals(testImages, splits.get("test").size());
        for (JsonNode i : splits.get("test")) {
            assertTrue(i.asInt() >= GAN_IMAGES && !trained.contains(image(px, i.asInt())), "test image " + i);
        }
    }

    @Test
    void seedsReproduce() throws Exception {
        assertEquals(0, study(tmp.resolve("a"), "2", "1").exit());
        assertEquals(0, study(tmp.resolve("b"), "2", "1").exit());
        assertEquals(0, study(tmp.resolve("c"), "2", "1", "--seed", "5", "--no-cas").exit());
        JsonNode a = json(tmp.resolve("a/augment.json")), b = json(tmp.resolve("b/augment.json")),
                c = json(tmp.resolve("c/augment.json"));
        assertEquals(a.get("rows"), b.get("rows"));
        assertEquals(4, a.get("rows").size());
        assertEquals(3, c.get("rows").size(), "--no-cas leaves out the synthetic-only row");
        assertEquals(a.get("protocol").get("real_draws"), b.get("protocol").get("real_draws"));
        assertEquals(a.get("protocol").get("test").get("sha256"), b.get("protocol").get("test").get("sha256"));
        assertNotEquals(a.get("protocol").get("real_draws").get(0).get("sha256"),
                c.get("protocol").get("real_draws").get(0).get("sha256"));
        assertEquals(a.get("protocol").get("test").get("sha256"), c.get("protocol").get("test").get("sha256"),
                "the test images do not depend on the repeats' seeds");
    }

    @Test
    void clusteredDcganIsLabelledByTheClassifier() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "cl", "");
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "model.clusters=3").exit());
        Path run = tmp.resolve("runs/cl-001");
        TestRuns.Result r = gan("augment", "--checkpoint", run.toString(), "--real", "2", "--synthetic", "2",
                "--repeats", "1", "--steps", "3", "--test-count", "200", "--train-images", IMAGES, "--train-labels",
                LABELS, "--classifier", "classifiers/fashion-mnist.zip");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("synthetic images: the clusters are not classes; each image is labelled with the "
                + "prediction of classifiers/fashion-mnist.zip"), r.out());
        JsonNode labels = json(run.resolve("augment/augment.json")).get("protocol").get("synthetic_labels");
        assertEquals("the labelling classifier's prediction", labels.get("how").asText());

        TestRuns.Result without = gan("augment", "--checkpoint", run.toString(), "--real", "2", "--synthetic", "2",
                "--train-images", IMAGES, "--train-labels", LABELS, "--out", tmp.resolve("without").toString());
        assertEquals(2, without.exit());
        assertEquals(run.resolve("checkpoints/step-000006.zip") + ": a clustered DCGAN (model.clusters 3) is "
                + "conditioned on clusters, not classes, so its images are labelled by a domain classifier's "
                + "prediction: give --classifier FILE.zip (classifiers/fashion-mnist.zip was made for other data (its "
                + "reference fingerprint differs from " + IMAGES + "))", without.err().strip());
    }

    @Test
    void refusals() throws Exception {
        Path dc = TestRuns.tinyConfig(tmp, "dc", "");
        assertEquals(0, gan("train", "--config", dc.toString(), "--set", "training.steps=1").exit());
        Path dcRun = tmp.resolve("runs/dc-001");
        refused(dcRun.resolve("checkpoints/step-000001.zip") + ": an unconditional DCGAN has no classes, so its images "
                        + "cannot be added to a labelled training set; use a CGAN checkpoint (model.type: cgan) or a "
                        + "clustered DCGAN (model.clusters), whose images get labels",
                "augment", "--checkpoint", dcRun.toString(), "--real", "2", "--synthetic", "2",
                "--train-images", IMAGES, "--train-labels", LABELS);

        refused("no held-out test images: the real images would come from the GAN's own training data (" + IMAGES
                        + "), which the GAN saw in full; give --train-images/--train-labels (a labelled split the GAN "
                        + "did not train on, e.g. /usr/share/datasets/fashion-mnist/train-*-ubyte.gz) or "
                        + "--test-images/--test-labels",
                "augment", "--checkpoint", cgan.toString(), "--real", "2", "--synthetic", "2");

        byte[] px = IdxReader.read(Path.of(IMAGES)).data(), lb = IdxReader.read(Path.of(LABELS)).data();
        Path seenImages = tmp.resolve("seen-images"), seenLabels = tmp.resolve("seen-labels");
        Files.write(seenImages, IdxReader.encode(new int[]{50, 28, 28}, java.util.Arrays.copyOf(px, 50 * 784)));
        Files.write(seenLabels, IdxReader.encode(new int[]{50}, java.util.Arrays.copyOf(lb, 50)));
        refused("no held-out test images: all 50 test candidates of " + seenImages + " are images the GAN trained on ("
                        + IMAGES + ") or real training images; give --train-images/--train-labels or "
                        + "--test-images/--test-labels a labelled split the GAN did not train on",
                "augment", "--checkpoint", cgan.toString(), "--real", "2", "--synthetic", "2",
                "--test-images", seenImages.toString(), "--test-labels", seenLabels.toString());

        refused("--test-count 10000: leaves no real training images in " + IMAGES + " (10000 images); lower --test-count",
                "augment", "--checkpoint", cgan.toString(), "--real", "2", "--synthetic", "2",
                "--train-images", IMAGES, "--train-labels", LABELS, "--test-count", "10000");

        refused("--real 5000: class 0 (0) has only 972 images in " + IMAGES + " (pool); lower --real",
                "augment", "--checkpoint", cgan.toString(), "--real", "5000", "--synthetic", "2",
                "--train-images", IMAGES, "--train-labels", LABELS, "--test-count", "300");

        refused("--repeats 0: must be >= 1 (3 or more give a spread)", "augment", "--checkpoint", cgan.toString(),
                "--real", "2", "--synthetic", "2", "--repeats", "0");
        refused("--synthetic -1: synthetic images per class must be >= 0", "augment", "--checkpoint",
                cgan.toString(), "--real", "2", "--synthetic", "0,-1");
        refused("--train-images and --train-labels go together (the real images need their labels)", "augment",
                "--checkpoint", cgan.toString(), "--real", "2", "--synthetic", "2", "--train-images", IMAGES);

        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("augment.json"), "an earlier study\n");
        refused(out.resolve("augment.json") + ": already exists; gan augment replaces its files only with --overwrite "
                + "(or choose another --out)", "augment", "--checkpoint", cgan.toString(), "--real", "2",
                "--synthetic", "2", "--train-images", IMAGES, "--train-labels", LABELS, "--out", out.toString());
        assertEquals("an earlier study\n", Files.readString(out.resolve("augment.json")), "nothing is lost");
    }

    @Test
    void help() {
        TestRuns.Result r = gan("augment", "--help");
        assertEquals(0, r.exit());
        for (String o : new String[]{"--checkpoint", "--real", "--synthetic", "--repeats", "--train-images",
                "--test-images", "--steps", "--classifier", "--out"}) {
            assertTrue(r.out().contains(o), o + " in " + r.out());
        }
    }

    private static void refused(String message, String... args) {
        TestRuns.Result r = gan(args);
        assertEquals(2, r.exit(), r.toString());
        assertEquals(message, r.err().strip());
    }

    private static ByteBuffer image(byte[] px, int i) {
        return ByteBuffer.wrap(px, i * 784, 784).slice();
    }
}
