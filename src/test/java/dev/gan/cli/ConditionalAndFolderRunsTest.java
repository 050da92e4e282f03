package dev.gan.cli;

import dev.gan.TestRuns;
import dev.gan.data.IdxReader;
import dev.gan.io.Checkpoints;
import dev.gan.io.ImageGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CGAN and image-folder runs through the real entry point, on tiny networks and a few steps. */
class ConditionalAndFolderRunsTest {
    private static final String FASHION = "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot";

    @TempDir
    Path tmp;

    @Test
    void cganGridHasOneRowPerClassWithItsName() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "cgan", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "model.type=cgan",
                "--set", "data.class_names=" + FASHION);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains(", 10 classes"), r.out());
        Path run = tmp.resolve("runs/cgan-001");
        for (String png : List.of("samples/step-000006.png", "reals.png")) {
            BufferedImage grid = ImageIO.read(run.resolve(png).toFile());
            assertEquals(ImageGrid.gridSide(10, 28), grid.getHeight(), png + ": one row per class");
            assertTrue(grid.getWidth() > ImageGrid.gridSide(4, 28) + 20, png + ": class names left of the rows, width "
                    + grid.getWidth());
        }
        List<String> classes = Files.readAllLines(run.resolve("classes.txt"));
        assertEquals(10, classes.size());
        assertEquals("0\tT-shirt/top", classes.get(0));
        assertEquals("9\tAnkle boot", classes.get(9));
        Checkpoints.Checkpoint ck = Checkpoints.read(run.resolve("checkpoints/step-000006.zip"), false);
        assertEquals(10, ck.state().shape().numClasses());
        assertEquals("cgan", ck.state().modelType());
        assertEquals(List.of(FASHION.split(",")), ck.state().classNames());
    }

    /** model.clusters: a DCGAN conditioned on k-means clusters, one grid row per cluster, samples per cluster. */
    @Test
    void selfConditionedDcganTrainsOnClustersAndSamples() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "selfcond", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "model.clusters=3");
        assertEquals(0, r.exit(), r.toString());
        Path run = tmp.resolve("runs/selfcond-001");
        assertEquals(ImageGrid.gridSide(3, 28),
                ImageIO.read(run.resolve("samples/step-000006.png").toFile()).getHeight(), "one row per cluster");
        assertEquals(List.of("0\tcluster 1", "1\tcluster 2", "2\tcluster 3"), Files.readAllLines(run.resolve("classes.txt")));
        Checkpoints.Checkpoint ck = Checkpoints.read(run.resolve("checkpoints/step-000006.zip"), false);
        assertEquals("dcgan", ck.state().modelType());
        assertEquals(3, ck.state().shape().numClasses());
        TestRuns.Result s = gan("sample", "--checkpoint", run.toString(), "--class", "cluster 2", "--count", "4",
                "--out", tmp.resolve("c2").toString());
        assertEquals(0, s.exit(), s.toString());

        TestRuns.Result bad = gan("train", "--config", cfg.toString(), "--set", "model.type=cgan",
                "--set", "model.clusters=3");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().strip().endsWith("model.clusters is for model.type dcgan (a cgan is conditioned on its "
                + "labels): set it to 0, or use model.type dcgan"), bad.err());
    }

    @Test
    void cganNumClassesMustMatchTheData() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "classes", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "model.type=cgan",
                "--set", "model.num_classes=5");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("model.num_classes is 5 but data/fashion-mnist/t10k-images-idx3-ubyte.gz has 10 classes; set "
                + "model.num_classes to 10, or to 0 to take it from the data", r.err().strip());
    }

    /** Labels up to 200 would make a 201-class CGAN with 198 empty classes: an error, before anything is written. */
    @Test
    void cganClassesWithoutImagesAreAnError() throws Exception {
        byte[] pixels = Arrays.copyOf(IdxReader.read(Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz")).data(), 30 * 784);
        byte[] labels = new byte[30];
        for (int i = 0; i < 30; i++) labels[i] = (byte) new int[]{0, 1, 200}[i % 3];
        Path images = Files.write(tmp.resolve("images.idx"), IdxReader.encode(new int[]{30, 28, 28}, pixels));
        Path labelFile = Files.write(tmp.resolve("labels.idx"), IdxReader.encode(new int[]{30}, labels));
        Path cfg = TestRuns.tinyConfig(tmp, "gaps", "  images: %s\n  labels: %s\n".formatted(images, labelFile), "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "model.type=cgan");
        assertEquals(2, r.exit(), r.toString());
        assertEquals(labelFile + ": 198 of the 201 classes have no image: 2, 3, 4, 5, 6, 7, 8, 9 and 190 more; a CGAN "
                + "needs images of every class: number the labels 0..2 without gaps, or use model.type dcgan", r.err().strip());
        assertTrue(Files.notExists(tmp.resolve("runs")), "nothing is written");

        Path tiny = TestRuns.tinyConfig(tmp, "few", "");
        TestRuns.Result few = gan("train", "--config", tiny.toString(), "--set", "model.type=cgan", "--set",
                "data.limit=16", "--set", "data.class_names=" + FASHION);
        assertEquals(2, few.exit(), few.toString());
        assertEquals("data/fashion-mnist/t10k-labels-idx1-ubyte.gz: 2 of the 10 classes have no image in the first 16 "
                + "(data.limit): 0 T-shirt/top, 8 Bag; raise data.limit (16) so that every class has images, or use "
                + "model.type dcgan", few.err().strip());

        TestRuns.Result names = gan("train", "--config", tiny.toString(), "--set", "model.type=cgan", "--set",
                "data.class_names=" + FASHION + ",Hat");
        assertEquals(2, names.exit(), names.toString());
        assertEquals("data/fashion-mnist/t10k-labels-idx1-ubyte.gz: 1 of the 11 classes has no image: 10 Hat; "
                + "data.class_names names 11 classes but the labels go up to 9: give one name per class", names.err().strip());
    }

    @Test
    void rgb64FolderTrainsWithTheDcgan64NetworksAndAsACgan() throws Exception {
        Path images = tmp.resolve("my-images");
        drawClass(images.resolve("reds"), new Color(220, 40, 40), 16, 1);
        drawClass(images.resolve("blues"), new Color(40, 40, 220), 16, 2);
        Path cfg = folderConfig("rgb64", images, 64, 3);

        TestRuns.Result dry = gan("train", "--config", cfg.toString(), "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("g_up4") && dry.out().contains("d_conv4"), "4 stride-2 layers each: " + dry.out());

        TestRuns.Result r = gan("train", "--config", cfg.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("data: 32 images 3x64x64 from " + images + ", 2 classes"), r.out());
        Path run = tmp.resolve("runs/rgb64-001");
        BufferedImage grid = ImageIO.read(run.resolve("samples/step-000003.png").toFile());
        assertEquals(ImageGrid.gridSide(4, 64), grid.getWidth());
        assertEquals(ImageGrid.gridSide(4, 64), grid.getHeight());
        Checkpoints.Checkpoint ck = Checkpoints.read(run.resolve("checkpoints/step-000003.zip"), false);
        assertEquals(3, ck.state().shape().channels());
        assertEquals(64, ck.state().shape().size());

        TestRuns.Result c = gan("train", "--config", cfg.toString(), "--set", "model.type=cgan");
        assertEquals(0, c.exit(), c.toString());
        Path crun = tmp.resolve("runs/rgb64-002");
        assertEquals(List.of("0\tblues", "1\treds"), Files.readAllLines(crun.resolve("classes.txt")));
        assertEquals(ImageGrid.gridSide(2, 64), ImageIO.read(crun.resolve("samples/step-000003.png").toFile()).getHeight());
    }

    @Test
    void cganOnAFolderWithoutClassSubFoldersIsAnError() throws Exception {
        Path images = tmp.resolve("flat");
        drawClass(images, Color.GRAY, 20, 3);
        Path cfg = folderConfig("flat", images, 28, 1);
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "model.type=cgan");
        assertEquals(2, r.exit(), r.toString());
        assertEquals(images + ": has no class sub-folders (its images are all directly inside), and model.type cgan "
                + "needs labels: sort the images into one sub-folder per class, or use model.type dcgan", r.err().strip());
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "training.steps=1").exit(), "fine for dcgan");
    }

    @Test
    void cganNeedsTwoClassFolders() throws Exception {
        Path images = tmp.resolve("one-class");
        drawClass(images.resolve("only"), Color.GRAY, 20, 6);
        TestRuns.Result r = gan("train", "--config", folderConfig("one", images, 28, 1).toString(), "--set", "model.type=cgan");
        assertEquals(2, r.exit(), r.toString());
        assertEquals(images + ": has 1 class; a CGAN needs at least 2", r.err().strip());
    }

    @Test
    void unreadableFileStopsTheRunOrIsSkippedAndReported() throws Exception {
        Path images = tmp.resolve("imgs");
        drawClass(images.resolve("a"), Color.GRAY, 10, 4);
        drawClass(images.resolve("b"), Color.WHITE, 10, 5);
        Path bad = images.resolve("b/broken.jpg");
        Files.writeString(bad, "<html>a download that went wrong</html>");
        Path cfg = folderConfig("bad", images, 28, 1);

        TestRuns.Result stop = gan("train", "--config", cfg.toString());
        assertEquals(2, stop.exit(), stop.toString());
        assertEquals(bad + ": not a readable image (no PNG, JPEG, WebP, TIFF, BMP or GIF decoder recognises its "
                + "content); fix or remove the file, or set data.skip_bad_files: true to skip such files", stop.err().strip());
        assertTrue(Files.notExists(tmp.resolve("runs")), "nothing is written before the data loads");

        TestRuns.Result skip = gan("train", "--config", cfg.toString(), "--set", "data.skip_bad_files=true");
        assertEquals(0, skip.exit(), skip.toString());
        Path run = tmp.resolve("runs/bad-001");
        String warning = "WARNING: data: skipped 1 file that is not a readable image (data.skip_bad_files is true): " + bad;
        assertTrue(skip.out().contains(warning + "\n"), skip.out());
        assertTrue(Files.readString(run.resolve("log.txt")).contains(warning));
        assertEquals(List.of(bad.toString()), Files.readAllLines(run.resolve("skipped-files.txt")));
    }

    /** A tiny config ({@link TestRuns#tinyConfig}) reading the image folder {@code images}. */
    private Path folderConfig(String name, Path images, int size, int channels) throws Exception {
        return TestRuns.tinyConfig(tmp, name, """
                  format: folder
                  path: %s
                  image_size: %d
                  channels: %d
                """.formatted(images, size, channels), "");
    }

    /** {@code n} PNGs of varied sizes: a background of {@code color} with a random lighter disc on it. */
    static void drawClass(Path dir, Color color, int n, long seed) throws Exception {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            int w = 48 + random.nextInt(48), h = 48 + random.nextInt(48);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(color);
            g.fillRect(0, 0, w, h);
            g.setColor(color.brighter());
            int d = 10 + random.nextInt(20);
            g.fillOval(random.nextInt(w - d), random.nextInt(h - d), d, d);
            g.dispose();
            ImageIO.write(img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
        }
    }
}
