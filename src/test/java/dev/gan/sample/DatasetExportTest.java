package dev.gan.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gan.TestRuns;
import dev.gan.config.DataConfig;
import dev.gan.data.Datasets;
import dev.gan.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.gan.sample.SampleFixtures.CGAN;
import static dev.gan.sample.SampleFixtures.SIZE;
import static dev.gan.sample.SampleFixtures.gray;
import static dev.gan.sample.SampleFixtures.png;
import static dev.gan.sample.SampleFixtures.sample;
import static dev.gan.sample.SampleFixtures.sampleError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exported datasets read back: IDX through the trainer's own IDX source, folders through its folder source, both
 * holding the same images for the same seed; manifest, overwrite rules.
 */
class DatasetExportTest {
    private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final List<String> FOLDERS = List.of("T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    @TempDir
    Path tmp;

    /** --samples on a CGAN export is split over the classes, evenly when it divides, and the output says how. */
    @Test
    void cganExportTakesACountAndSplitsIt() throws Exception {
        Path even = tmp.resolve("even"), uneven = tmp.resolve("uneven");
        TestRuns.Result r = sample("--checkpoint", CGAN.toString(), "--export", "idx", "--samples", "20", "--out",
                even.toString());
        assertTrue(r.out().contains("exported 20 images (--samples 20 split evenly over 10 classes: 2 per class) to "
                + even + ": images-idx3-ubyte, labels-idx1-ubyte, manifest.json"), r.out());
        ImageSet data = Datasets.load(new DataConfig("idx", even.resolve("images-idx3-ubyte").toString(),
                even.resolve("labels-idx1-ubyte").toString(), null, SIZE, 1, 0, false, String.join(",", CLASSES)));
        int[] perClass = new int[10];
        for (int l : data.labels()) perClass[l]++;
        for (int n : perClass) assertEquals(2, n);

        TestRuns.Result u = sample("--checkpoint", CGAN.toString(), "--export", "folder", "--samples", "13", "--out",
                uneven.toString());
        assertTrue(u.out().contains("exported 13 images (--samples 13 split over 10 classes: 2 of each of the first 3, "
                + "1 of the others; --per-class N gives exactly N of each) to " + uneven), u.out());
        var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(uneven.resolve("manifest.json").toFile());
        assertEquals(13, manifest.get("count").asInt());
        assertEquals(0, manifest.get("per_class").asInt());
        assertEquals(2, manifest.get("counts").get("Pullover").asInt());
        assertEquals(1, manifest.get("counts").get("Dress").asInt());
        assertTrue(Files.isRegularFile(uneven.resolve("Pullover/000001.png")) && Files.notExists(uneven.resolve("Dress/000001.png")));
        assertFalse(u.out().contains("WARNING"), u.out());
    }

    @Test
    void idxExportLoadsThroughTheIdxSourceAndMatchesTheFolderExport() throws Exception {
        Path idx = tmp.resolve("idx"), folder = tmp.resolve("folder");
        TestRuns.Result r = sample("--checkpoint", CGAN.toString(), "--export", "idx", "--per-class", "7", "--seed", "3",
                "--batch-size", "16", "--out", idx.toString());
        assertTrue(r.out().contains("exported 70 images (7 per class) to " + idx
                + ": images-idx3-ubyte, labels-idx1-ubyte, manifest.json"), r.out());
        assertTrue(r.out().contains("  64/70 images (91%)"), "progress lines when not a terminal: " + r.out());

        ImageSet data = Datasets.load(new DataConfig("idx", idx.resolve("images-idx3-ubyte").toString(),
                idx.resolve("labels-idx1-ubyte").toString(), null, SIZE, 1, 0, false, String.join(",", CLASSES)));
        assertEquals(70, data.count());
        assertEquals(CLASSES, data.classNames());
        int[] perClass = new int[10];
        for (int i = 0; i < 70; i++) {
            assertEquals(i % 10, data.labels()[i], "classes take turns");
            perClass[data.labels()[i]]++;
        }
        for (int n : perClass) assertEquals(7, n);

        sample("--checkpoint", CGAN.toString(), "--export", "folder", "--per-class", "7", "--seed", "3",
                "--out", folder.toString());
        try (Stream<Path> s = Files.list(folder)) {
            assertEquals(Stream.concat(FOLDERS.stream(), Stream.of("manifest.json")).sorted().toList(),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (int k = 0; k < 10; k++) {
            try (Stream<Path> s = Files.list(folder.resolve(FOLDERS.get(k)))) {
                assertEquals(7, s.count(), FOLDERS.get(k));
            }
            for (int j = 0; j < 7; j++) {
                BufferedImage img = png(folder.resolve(FOLDERS.get(k)).resolve(String.format("%06d.png", j)));
                int base = (j * 10 + k) * SIZE * SIZE;   // image j of class k is image j*10+k of the seed
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        assertEquals(data.pixels()[base + y * SIZE + x] & 0xff, gray(img, x, y));
                    }
                }
            }
        }

        // and the trainer's folder source reads the folder export back: classes from the sorted sub-folder names,
        // images taken from the classes in turn, pixels as exported (manifest.json beside the folders is ignored)
        ImageSet fromFolder = Datasets.load(new DataConfig("folder", null, null, folder.toString(), SIZE, 1, 0, false, null));
        List<String> sorted = FOLDERS.stream().sorted().toList();
        assertEquals(sorted, fromFolder.classNames());
        assertEquals(70, fromFolder.count());
        for (int i = 0; i < 70; i++) {
            int k = FOLDERS.indexOf(sorted.get(fromFolder.labels()[i]));
            assertEquals(i % 10, fromFolder.labels()[i], "the folder source takes the classes in turn");
            int j = i / 10, base = (j * 10 + k) * SIZE * SIZE, at = i * SIZE * SIZE;
            for (int p = 0; p < SIZE * SIZE; p++) {
                assertEquals(data.pixels()[base + p] & 0xff, fromFolder.pixels()[at + p] & 0xff, "image " + i + " pixel " + p);
            }
        }

        JsonNode m = new ObjectMapper().readTree(folder.resolve("manifest.json").toFile());
        assertEquals(CGAN.toAbsolutePath().toString(), m.get("checkpoint").asText());
        assertEquals(4, m.get("checkpoint_step").asLong());
        assertEquals(3, m.get("seed").asLong());
        assertEquals("folder", m.get("format").asText());
        assertEquals(70, m.get("count").asLong());
        assertEquals(7, m.get("per_class").asLong());
        assertEquals(7, m.get("counts").get("Ankle boot").asLong());
        assertEquals(10, m.get("class_names").size());
        assertTrue(m.get("gan_version").isTextual());
    }

    @Test
    void oneClassAndUnconditionalExports() throws Exception {
        Path bag = tmp.resolve("bag");
        sample("--checkpoint", CGAN.toString(), "--export", "idx", "--class", "Bag", "--per-class", "5",
                "--out", bag.toString());
        ImageSet data = Datasets.load(new DataConfig("idx", bag.resolve("images-idx3-ubyte").toString(),
                bag.resolve("labels-idx1-ubyte").toString(), null, SIZE, 1, 0, false, String.join(",", CLASSES)));
        assertEquals(5, data.count());
        for (int label : data.labels()) assertEquals(8, label, "labels keep the checkpoint's class index");

        Path dc = SampleFixtures.trainDcgan(tmp.resolve("train"));
        Path idx = tmp.resolve("dc-idx"), folder = tmp.resolve("dc-folder");
        sample("--checkpoint", dc.toString(), "--export", "idx", "--samples", "20", "--out", idx.toString());
        assertFalse(Files.exists(idx.resolve("labels-idx1-ubyte")), "an unconditional model has no labels");
        ImageSet unlabelled = Datasets.load(new DataConfig("idx", idx.resolve("images-idx3-ubyte").toString(), "", null,
                SIZE, 1, 0, false, null));
        assertEquals(20, unlabelled.count());
        assertFalse(unlabelled.labelled());

        sample("--checkpoint", dc.toString(), "--export", "folder", "--samples", "20", "--out", folder.toString());
        try (Stream<Path> s = Files.list(folder)) {
            assertEquals(21, s.count(), "20 PNGs straight in the folder (unlabelled) and the manifest");
        }
        assertEquals(SIZE, png(folder.resolve("000019.png")).getWidth());

        assertEquals("--per-class 5: " + dc.resolve("checkpoints/step-000002.zip") + " is an unconditional DCGAN "
                        + "checkpoint and has no classes; give --samples N for N images",
                sampleError("--checkpoint", dc.toString(), "--export", "idx", "--per-class", "5", "--out",
                        tmp.resolve("x").toString()));
        assertEquals("--samples 5: give either --samples N (split over the classes) or --per-class N, not both",
                sampleError("--checkpoint", CGAN.toString(), "--export", "idx", "--samples", "5", "--per-class", "1",
                        "--out", tmp.resolve("x").toString()));
        assertEquals("--export idx: give --per-class N (images of each class) or --samples N (split evenly over the "
                        + "classes)",
                sampleError("--checkpoint", CGAN.toString(), "--export", "idx", "--out", tmp.resolve("x").toString()));
        assertEquals("--export idx: 3000000 images of 28x28 make an IDX file over 2 GB, which gan cannot read back; "
                        + "export fewer images or use --export folder",
                sampleError("--checkpoint", dc.toString(), "--export", "idx", "--samples", "3000000", "--out",
                        tmp.resolve("x").toString()));
        assertFalse(Files.exists(tmp.resolve("x")), "a refused export creates nothing");
    }

    @Test
    void rgbExportsAreFoldersOfColourPngs() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "rgb", "");
        assertEquals(0, TestRuns.gan("train", "--config", cfg.toString(), "--set", "training.steps=1",
                "--set", "data.channels=3").exit());
        Path run = tmp.resolve("runs/rgb-001");
        assertEquals("--export idx: IDX files hold grayscale images and " + run.resolve("checkpoints/step-000001.zip")
                        + " makes RGB images (3 channels); use --export folder",
                sampleError("--checkpoint", run.toString(), "--export", "idx", "--samples", "4"));
        sample("--checkpoint", run.toString(), "--export", "folder", "--samples", "4");
        BufferedImage img = png(run.resolve("generated/folder-step000001-seed0/000003.png"));
        assertEquals(3, img.getRaster().getNumBands());
        assertEquals(SIZE, img.getHeight());
    }

    @Test
    void exportNeedsAnEmptyFolderAndOverwriteDeletesNothing() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out.resolve("Bag"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.writeString(out.resolve("Bag/keep.png"), "not an image of this export");
        assertEquals(out + ": is not empty; an export writes only into an empty or new folder: choose another --out, "
                        + "or add --overwrite to replace the files it writes (nothing else is deleted)",
                sampleError("--checkpoint", CGAN.toString(), "--export", "folder", "--per-class", "2", "--out", out.toString()));
        assertFalse(Files.exists(out.resolve("manifest.json")));

        TestRuns.Result r = sample("--checkpoint", CGAN.toString(), "--export", "folder", "--per-class", "2",
                "--out", out.toString(), "--overwrite");
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
        assertTrue(Files.exists(out.resolve("Bag/keep.png")));
        assertTrue(r.out().contains("WARNING: " + out + " holds 2 other files that this export did not write"), r.out());
        assertTrue(Files.exists(out.resolve("Bag/000001.png")));

        // IDX: the earlier export's label file would not match an unlabelled export written over it
        Path idx = tmp.resolve("idx");
        sample("--checkpoint", CGAN.toString(), "--export", "idx", "--per-class", "1", "--out", idx.toString());
        Path dc = SampleFixtures.trainDcgan(tmp.resolve("train"));
        TestRuns.Result over = sample("--checkpoint", dc.toString(), "--export", "idx", "--samples", "3", "--out",
                idx.toString(), "--overwrite");
        assertTrue(over.out().contains("WARNING: " + idx + " holds 1 other files that this export did not write (e.g. "
                + "labels-idx1-ubyte); they were left in place: they are not part of this export, but a folder dataset "
                + "would read the images among them"), over.out());
        assertTrue(Files.exists(idx.resolve("labels-idx1-ubyte")), "nothing is deleted");
    }
}
