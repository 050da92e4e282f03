package dev.gan.sample;

import dev.gan.TestRuns;
import dev.gan.io.CheckpointState;
import dev.gan.io.Checkpoints;
import dev.gan.io.ImageGrid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.gan.TestRuns.gan;
import static dev.gan.sample.SampleFixtures.CGAN;
import static dev.gan.sample.SampleFixtures.SIZE;
import static dev.gan.sample.SampleFixtures.gray;
import static dev.gan.sample.SampleFixtures.png;
import static dev.gan.sample.SampleFixtures.sample;
import static dev.gan.sample.SampleFixtures.sampleError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gan sample} through the real entry point: grids, single images, seeds, classes, interpolation, usage. */
class SampleCommandTest {
    @TempDir
    static Path shared;
    static Path dcgan;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainDcgan() throws Exception {
        dcgan = SampleFixtures.trainDcgan(shared);
    }

    @Test
    void committedFormat1CheckpointStillLoadsAndSamples() throws Exception {
        CheckpointState s = Checkpoints.readState(CGAN);
        assertEquals(1, s.formatVersion());
        assertEquals("cgan", s.modelType());
        assertEquals(4, s.step());
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                "Ankle boot"), s.classNames());
        TestRuns.Result r = sample("--checkpoint", CGAN.toString(), "--out", tmp.toString());
        assertTrue(r.out().startsWith("checkpoint " + CGAN + ": cgan, step 4, 1x28x28 images, 10 classes; sampling the trained "
                + "generator\n"), r.out());
        assertTrue(r.out().matches("(?s).*\n80 images in [0-9.]+ s \\([0-9]+ images/s\\)\n"), r.out());
        // default: one row per class (named at the left), 8 columns
        BufferedImage grid = png(tmp.resolve("grid-10x8-step000004-seed0-all.png"));
        assertEquals(ImageGrid.gridSide(10, SIZE), grid.getHeight());
        assertTrue(grid.getWidth() > ImageGrid.gridSide(8, SIZE), "room for the class names");
    }

    @Test
    void gridDimensions() throws Exception {
        sample("--checkpoint", dcgan.toString(), "--grid", "3x5", "--out", tmp.toString());
        BufferedImage g = png(tmp.resolve("grid-3x5-step000002-seed0.png"));
        assertEquals(ImageGrid.gridSide(5, SIZE), g.getWidth());
        assertEquals(ImageGrid.gridSide(3, SIZE), g.getHeight());

        sample("--checkpoint", CGAN.toString(), "--class", "trouser", "--grid", "2x4", "--out", tmp.toString());
        BufferedImage one = png(tmp.resolve("grid-2x4-step000004-seed0-Trouser.png"));
        assertEquals(ImageGrid.gridSide(4, SIZE), one.getWidth());
        assertEquals(ImageGrid.gridSide(2, SIZE), one.getHeight());

        sample("--checkpoint", CGAN.toString(), "--class", "all", "--grid", "3", "--out", tmp.toString());
        assertEquals(ImageGrid.gridSide(10, SIZE), png(tmp.resolve("grid-10x3-step000004-seed0-all.png")).getHeight());
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherImages() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), c = tmp.resolve("c");
        sample("--checkpoint", dcgan.toString(), "--count", "3", "--seed", "5", "--out", a.toString());
        sample("--checkpoint", dcgan.toString(), "--count", "3", "--seed", "5", "--batch-size", "2", "--out", b.toString());
        sample("--checkpoint", dcgan.toString(), "--count", "3", "--seed", "6", "--out", c.toString());
        for (int i = 0; i < 3; i++) {
            String name = String.format("sample-step000002-seed5-%06d.png", i);
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve(name)),
                    Files.readAllBytes(c.resolve(name.replace("seed5", "seed6")))), "seed 6 differs from seed 5");
        }
        sample("--checkpoint", CGAN.toString(), "--grid", "4", "--seed", "9", "--out", a.toString());
        sample("--checkpoint", CGAN.toString(), "--grid", "4", "--seed", "9", "--out", b.toString());
        String grid = "grid-10x4-step000004-seed9-all.png";
        assertArrayEquals(Files.readAllBytes(a.resolve(grid)), Files.readAllBytes(b.resolve(grid)));
    }

    @Test
    void singleImagesOfACganTakeTheClassesInTurn() throws Exception {
        TestRuns.Result r = sample("--checkpoint", CGAN.toString(), "--count", "12", "--out", tmp.toString());
        assertTrue(r.out().contains("wrote 12 images to " + tmp + " (sample-step000004-seed0-NNNNNN-<class>.png)"), r.out());
        assertTrue(Files.exists(tmp.resolve("sample-step000004-seed0-000000-T-shirt_top.png")));
        assertTrue(Files.exists(tmp.resolve("sample-step000004-seed0-000009-Ankle boot.png")));
        assertTrue(Files.exists(tmp.resolve("sample-step000004-seed0-000011-Trouser.png")));
        BufferedImage one = png(tmp.resolve("sample-step000004-seed0-000001-Trouser.png"));
        assertEquals(SIZE, one.getWidth());
        assertEquals(SIZE, one.getHeight());
    }

    @Test
    void refusesToReplaceFilesWithoutOverwrite() throws Exception {
        sample("--checkpoint", dcgan.toString(), "--grid", "2", "--out", tmp.toString());
        Path file = tmp.resolve("grid-2x2-step000002-seed0.png");
        assertEquals(file + ": already exists; gan sample replaces files only with --overwrite (or choose another "
                + "--out or --seed)", sampleError("--checkpoint", dcgan.toString(), "--grid", "2", "--out", tmp.toString()));
        sample("--checkpoint", dcgan.toString(), "--grid", "2", "--out", tmp.toString(), "--overwrite");
        assertEquals(file + ": is a file, not a folder; give --out a folder",
                sampleError("--checkpoint", dcgan.toString(), "--samples", "2", "--out", file.toString()));
        assertEquals(file + ": is a file, not a folder; give --out a folder",
                sampleError("--checkpoint", dcgan.toString(), "--export", "idx", "--samples", "2", "--out", file.toString()));
    }

    @Test
    void runDirectoryMeansItsLatestCheckpointAndDefaultOutput() throws Exception {
        TestRuns.Result r = sample("--checkpoint", dcgan.toString(), "--grid", "1x2", "--seed", "3");
        assertTrue(r.out().startsWith("checkpoint " + dcgan.resolve("checkpoints/step-000002.zip") + ": dcgan, step 2"),
                r.out());
        assertTrue(Files.isRegularFile(dcgan.resolve("generated/grid-1x2-step000002-seed3.png")), r.out());
    }

    @Test
    void interpolationWritesAStripAndALoopingGif() throws Exception {
        TestRuns.Result r = sample("--checkpoint", dcgan.toString(), "--interpolate", "4", "--seed", "1,2,3",
                "--out", tmp.toString());
        assertTrue(r.out().contains("(7 steps from seed 1,2,3)"), r.out());
        BufferedImage strip = png(tmp.resolve("interp-step000002-seed1_2_3-k4.png"));
        assertEquals(ImageGrid.gridSide(7, SIZE), strip.getWidth());
        assertEquals(ImageGrid.gridSide(1, SIZE), strip.getHeight());
        Path gif = tmp.resolve("interp-step000002-seed1_2_3-k4.gif");
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            reader.setInput(in);
            assertEquals(7, reader.getNumImages(true));
        } finally {
            reader.dispose();
        }
        assertTrue(new String(Files.readAllBytes(gif), java.nio.charset.StandardCharsets.ISO_8859_1).contains("NETSCAPE2.0"),
                "the loop extension");

        // the walk starts and ends at each seed's image 0: the first tile of the strip is seed 1's first single image
        sample("--checkpoint", dcgan.toString(), "--count", "1", "--seed", "1", "--out", tmp.toString());
        BufferedImage single = png(tmp.resolve("sample-step000002-seed1-000000.png"));
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                assertEquals(gray(single, x, y), gray(strip, ImageGrid.PAD + x, ImageGrid.PAD + y), "pixel " + x + "," + y);
            }
        }
        // every class of a CGAN: one row each
        sample("--checkpoint", CGAN.toString(), "--interpolate", "3", "--seed", "1,2", "--out", tmp.toString());
        assertEquals(ImageGrid.gridSide(10, SIZE), png(tmp.resolve("interp-step000004-seed1_2-k3-all.png")).getHeight());
    }

    @Test
    void classErrors() {
        assertEquals("--class 3: " + dcgan.resolve("checkpoints/step-000002.zip") + " is an unconditional DCGAN "
                        + "checkpoint and has no classes; leave out --class (or sample from a CGAN checkpoint)",
                sampleError("--checkpoint", dcgan.toString(), "--class", "3", "--out", tmp.toString()));
        assertEquals("--class Sock: no such class in " + CGAN + "; give a name, an index 0..9 or all (classes: "
                        + "0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, "
                        + "9 Ankle boot)",
                sampleError("--checkpoint", CGAN.toString(), "--class", "Sock", "--out", tmp.toString()));
        assertEquals("--class 10: class index must be 0..9 (" + CGAN + " has 10 classes)",
                sampleError("--checkpoint", CGAN.toString(), "--class", "10", "--out", tmp.toString()));
        assertEquals("--grid 4x8: with every class the grid has one row per class (10 rows); give --grid 10x8, or "
                        + "--grid 8 for 8 columns, or pick one class with --class",
                sampleError("--checkpoint", CGAN.toString(), "--grid", "4x8", "--out", tmp.toString()));
    }

    @Test
    void usageErrors() {
        String ck = CGAN.toString();
        assertEquals("gan sample: choose one output: --grid, --samples, --interpolate or --export (got --grid and --samples)",
                sampleError("--checkpoint", ck, "--grid", "2", "--samples", "3"));
        // several seeds without --interpolate are single images now (one per seed); a grid still takes one
        assertEquals("--seeds 1,2: a grid takes one seed; several seeds go with single images (--samples N per seed, "
                + "1 by default) or --interpolate", sampleError("--checkpoint", ck, "--seeds", "1-2", "--grid", "2"));
        assertEquals("--seeds 5-2: a range goes up (first-last, both included), e.g. --seeds 2-5",
                sampleError("--checkpoint", ck, "--seeds", "5-2"));
        assertEquals("--seeds 1,x: x is not a seed or a range; give seeds and ranges such as --seeds 0-35,40",
                sampleError("--checkpoint", ck, "--seeds", "1,x"));
        assertEquals("--interpolate 5: give two or more seeds to walk between, e.g. --seeds 1,2,3",
                sampleError("--checkpoint", ck, "--interpolate", "5", "--seed", "4"));
        assertEquals("--interpolate 1: images per step between two seeds must be between 2 and 256 (ends included)",
                sampleError("--checkpoint", ck, "--interpolate", "1", "--seed", "1,2"));
        assertEquals("--grid 0x3: give ROWSxCOLS or N (for NxN), each 1..64, e.g. --grid 8x8",
                sampleError("--checkpoint", ck, "--class", "1", "--grid", "0x3", "--out", tmp.toString()));
        assertEquals("--batch-size 0: must be between 1 and 4096", sampleError("--checkpoint", ck, "--batch-size", "0"));
        assertEquals("--per-class 5: goes with --export (images per class of a CGAN dataset); for single images use "
                + "--samples", sampleError("--checkpoint", ck, "--per-class", "5"));
        assertEquals(tmp.resolve("nothing") + ": no such checkpoint file or run directory",
                sampleError("--checkpoint", tmp.resolve("nothing").toString()));
        TestRuns.Result missing = gan("sample");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().startsWith("Missing required option: '--checkpoint=CKPT|RUN_DIR'"), missing.err());
    }

    @Test
    void help() {
        TestRuns.Result r = gan("sample", "--help");
        assertEquals(0, r.exit());
        for (String opt : List.of("--checkpoint", "--grid", "--samples", "--seeds", "--class", "--interpolate", "--export",
                "--per-class", "-o, --out", "--batch-size", "--overwrite", "--json")) {
            assertTrue(r.out().contains(opt), opt + " in\n" + r.out());
        }
        assertTrue(gan("--help").out().contains("sample"));
    }
}
