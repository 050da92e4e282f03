package dev.gan.data;

import dev.gan.UserException;
import dev.gan.config.DataConfig;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The image-folder source on real files written with ImageIO: layout, conversions, and one test per error. */
class FolderSourceTest {
    @TempDir
    Path root;

    static DataConfig folder(Path path, int size, int channels, int limit, boolean skipBadFiles) {
        return new DataConfig("folder", null, null, path.toString(), size, channels, limit, skipBadFiles, null);
    }

    /** A solid image of {@code type} (e.g. TYPE_BYTE_GRAY, TYPE_INT_RGB) written as {@code file}'s extension says. */
    static void image(Path file, int w, int h, int type, Color color) throws Exception {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        write(img, file);
    }

    static void write(BufferedImage img, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf('.') + 1).replace("jpg", "jpeg");
        assertTrue(ImageIO.write(img, format, file.toFile()), "no writer for " + format);
    }

    private static String error(DataConfig cfg) {
        return assertThrows(UserException.class, () -> FolderSource.load(cfg)).getMessage();
    }

    /** Channel values of image {@code i} at pixel (x, y). */
    private static int[] pixel(ImageSet set, int i, int x, int y) {
        int plane = set.size() * set.size(), base = i * set.imageBytes() + y * set.size() + x;
        int[] v = new int[set.channels()];
        for (int c = 0; c < v.length; c++) v[c] = set.pixels()[base + c * plane] & 0xff;
        return v;
    }

    @Test
    void classesAreTheSortedSubFoldersAndOtherFilesAreIgnored() throws Exception {
        image(root.resolve("zebra/1.png"), 30, 30, BufferedImage.TYPE_INT_RGB, Color.WHITE);
        image(root.resolve("apple/1.jpg"), 30, 30, BufferedImage.TYPE_INT_RGB, Color.RED);
        image(root.resolve("apple/deeper/2.BMP"), 30, 30, BufferedImage.TYPE_INT_RGB, Color.RED);
        Files.writeString(root.resolve("apple/notes.txt"), "not an image");
        Files.writeString(root.resolve("apple/.DS_Store"), "hidden");
        image(root.resolve("apple/.thumbs/3.png"), 30, 30, BufferedImage.TYPE_INT_RGB, Color.RED);
        image(root.resolve(".cache/x.png"), 30, 30, BufferedImage.TYPE_INT_RGB, Color.RED);

        ImageSet set = FolderSource.load(folder(root, 28, 3, 0, false));
        assertEquals(List.of("apple", "zebra"), set.classNames());
        assertEquals(3, set.count(), "hidden files, hidden folders and .txt are ignored; sub-folders are searched");
        int[] sorted = set.labels().clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[]{0, 0, 1}, sorted);
        assertEquals(root.toString(), set.source());
        assertEquals(List.of(), set.skippedFiles());
    }

    @Test
    void folderWithoutSubFoldersIsUnlabelled() throws Exception {
        image(root.resolve("a.png"), 28, 28, BufferedImage.TYPE_INT_RGB, Color.BLUE);
        image(root.resolve("b.png"), 28, 28, BufferedImage.TYPE_INT_RGB, Color.BLUE);
        ImageSet set = FolderSource.load(folder(root, 28, 3, 0, false));
        assertEquals(2, set.count());
        assertNull(set.labels());
        assertEquals(List.of(), set.classNames());
        assertArrayEquals(new int[]{0, 0, 255}, pixel(set, 1, 14, 14));
    }

    @Test
    void mixedSizesAndGrayscaleRgbMixAreConvertedToRgb() throws Exception {
        image(root.resolve("c/small-rgb.png"), 20, 20, BufferedImage.TYPE_INT_RGB, new Color(255, 0, 0));
        image(root.resolve("c/big-gray.png"), 300, 200, BufferedImage.TYPE_BYTE_GRAY, new Color(100, 100, 100));
        image(root.resolve("c/wide-16bit-gray.png"), 90, 40, BufferedImage.TYPE_USHORT_GRAY, new Color(60, 60, 60));
        image(root.resolve("c/photo.jpg"), 64, 48, BufferedImage.TYPE_INT_RGB, new Color(0, 200, 0));
        ImageSet set = FolderSource.load(folder(root, 28, 3, 0, false));
        assertEquals(4, set.count());
        assertEquals(3, set.channels());
        assertEquals(28, set.size());
        assertEquals(4 * 3 * 28 * 28, set.pixels().length);
        // files in name order: big-gray, photo, small-rgb, wide-16bit-gray; grays keep their value (no gamma shift)
        assertArrayEquals(new int[]{100, 100, 100}, pixel(set, 0, 5, 20));
        int[] green = pixel(set, 1, 14, 14);
        assertTrue(green[0] < 10 && Math.abs(green[1] - 200) < 10 && green[2] < 10, Arrays.toString(green));
        assertArrayEquals(new int[]{255, 0, 0}, pixel(set, 2, 27, 0));
        assertArrayEquals(new int[]{60, 60, 60}, pixel(set, 3, 14, 14));
    }

    @Test
    void rgbIsConvertedToGrayscaleAndCentreCropped() throws Exception {
        // 60 x 20: green | blue | green; the centre crop (20 x 20) is all blue
        BufferedImage img = new BufferedImage(60, 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.GREEN);
        g.fillRect(0, 0, 60, 20);
        g.setColor(Color.BLUE);
        g.fillRect(20, 0, 20, 20);
        g.dispose();
        write(img, root.resolve("strip.png"));
        image(root.resolve("gray.png"), 28, 28, BufferedImage.TYPE_BYTE_GRAY, new Color(100, 100, 100));
        ImageSet set = FolderSource.load(folder(root, 28, 1, 0, false));
        assertEquals(1, set.channels());
        assertArrayEquals(new int[]{100}, pixel(set, 0, 0, 0));
        int blueLuma = (int) Math.round(0.114 * 255);
        for (int x : new int[]{0, 14, 27}) assertArrayEquals(new int[]{blueLuma}, pixel(set, 1, x, 14), "x=" + x);
    }

    @Test
    void limitKeepsEveryClass() throws Exception {
        for (String c : List.of("a", "b", "c")) {
            for (int i = 0; i < 3; i++) image(root.resolve(c + "/" + i + ".png"), 8, 8, BufferedImage.TYPE_INT_RGB, Color.RED);
        }
        ImageSet set = FolderSource.load(folder(root, 28, 1, 4, false));
        assertEquals(4, set.count());
        assertEquals(4 * 28 * 28, set.pixels().length);
        assertArrayEquals(new int[]{0, 1, 2, 0}, set.labels(), "classes in turn");
    }

    @Test
    void unreadableFileStopsWithItsPath() throws Exception {
        image(root.resolve("cat/ok.png"), 28, 28, BufferedImage.TYPE_INT_RGB, Color.RED);
        Path bad = root.resolve("cat/x-broken.png");
        Files.writeString(bad, "this is text, not a PNG");
        assertEquals(bad + ": not a readable image (no PNG, JPEG, WebP, TIFF, BMP or GIF decoder recognises its "
                + "content); fix or remove the file, or set data.skip_bad_files: true to skip such files",
                error(folder(root, 28, 1, 0, false)));
    }

    @Test
    void truncatedImageStopsWithItsPath() throws Exception {
        Path ok = root.resolve("cat/a.png");
        image(ok, 64, 64, BufferedImage.TYPE_INT_RGB, Color.RED);
        byte[] png = Files.readAllBytes(ok);
        Path cut = root.resolve("cat/b-cut.png");
        Files.write(cut, Arrays.copyOf(png, png.length / 2));
        String msg = error(folder(root, 28, 1, 0, false));
        assertTrue(msg.startsWith(cut + ": not a readable image ("), msg);
        assertTrue(msg.endsWith("); fix or remove the file, or set data.skip_bad_files: true to skip such files"), msg);
        assertEquals(1, msg.lines().count(), msg);
    }

    @Test
    void skipBadFilesLeavesThemOutAndListsThem() throws Exception {
        for (int i = 0; i < 3; i++) image(root.resolve("cat/" + i + ".png"), 28, 28, BufferedImage.TYPE_INT_RGB, Color.RED);
        image(root.resolve("dog/0.png"), 28, 28, BufferedImage.TYPE_INT_RGB, Color.BLUE);
        Path bad1 = root.resolve("cat/bad.jpg"), bad2 = root.resolve("dog/empty.png");
        Files.writeString(bad1, "nope");
        Files.write(bad2, new byte[0]);
        ImageSet set = FolderSource.load(folder(root, 28, 3, 0, true));
        assertEquals(4, set.count());
        assertEquals(4 * 3 * 28 * 28, set.pixels().length);
        assertEquals(List.of(bad2.toString(), bad1.toString()), set.skippedFiles());
        int[] sorted = set.labels().clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[]{0, 0, 0, 1}, sorted);
        assertEquals("data: skipped 2 files that are not readable images (data.skip_bad_files is true): " + bad2 + ", "
                + bad1, FolderSource.skippedWarning(set.skippedFiles(), "runs/x/skipped-files.txt"));
        assertEquals("data: skipped 7 files that are not readable images (data.skip_bad_files is true): a, b, c, d, e, "
                        + "... (all 7 in runs/x/skipped-files.txt)",
                FolderSource.skippedWarning(List.of("a", "b", "c", "d", "e", "f", "g"), "runs/x/skipped-files.txt"));
    }

    @Test
    void classWithOnlyBadFilesIsAnErrorEvenWhenSkipping() throws Exception {
        image(root.resolve("cat/0.png"), 28, 28, BufferedImage.TYPE_INT_RGB, Color.RED);
        Files.createDirectories(root.resolve("dog"));
        Files.writeString(root.resolve("dog/0.png"), "nope");
        Files.writeString(root.resolve("dog/1.png"), "nope");
        assertEquals(root.resolve("dog") + ": none of its 2 image files could be read; fix them or remove the class "
                + "folder", error(folder(root, 28, 1, 0, true)));
    }

    @Test
    void folderOfOnlyBadFilesIsAnErrorEvenWhenSkipping() throws Exception {
        Files.writeString(root.resolve("0.png"), "nope");
        assertEquals(root + ": none of its 1 image files could be read (e.g. " + root.resolve("0.png")
                + "); check that they are PNG, JPEG, WebP, TIFF, BMP or GIF images",
                error(folder(root, 28, 1, 0, true)));
    }

    @Test
    void emptyFolderIsAnError() throws Exception {
        String expected = root + ": no images (PNG, JPEG, WebP, TIFF, BMP or GIF files) and no class sub-folders; "
                + "put the images in it, sorted into one sub-folder per class";
        assertEquals(expected, error(folder(root, 28, 1, 0, false)));
        Files.writeString(root.resolve("readme.txt"), "only text");
        image(root.resolve(".hidden.png"), 8, 8, BufferedImage.TYPE_INT_RGB, Color.RED);
        assertEquals(expected, error(folder(root, 28, 1, 0, false)), "ignored files do not count");
    }

    @Test
    void emptyClassFolderIsAnError() throws Exception {
        image(root.resolve("cat/0.png"), 28, 28, BufferedImage.TYPE_INT_RGB, Color.RED);
        Files.createDirectories(root.resolve("dog"));
        Files.writeString(root.resolve("dog/list.csv"), "a,b");
        assertEquals(root.resolve("dog") + ": class folder has no images (PNG, JPEG, WebP, TIFF, BMP or GIF files); "
                + "add some or remove the folder", error(folder(root, 28, 1, 0, false)));
    }

    @Test
    void imagesBesideClassFoldersAreAnError() throws Exception {
        image(root.resolve("cat/0.png"), 28, 28, BufferedImage.TYPE_INT_RGB, Color.RED);
        image(root.resolve("stray.png"), 28, 28, BufferedImage.TYPE_INT_RGB, Color.RED);
        assertEquals(root + ": has class sub-folders and also 1 image file directly inside (e.g. stray.png); move them "
                + "into a class sub-folder", error(folder(root, 28, 1, 0, false)));
    }

    @Test
    void missingFolderAndFileInsteadOfFolder() throws Exception {
        Path missing = root.resolve("nope");
        assertEquals(missing + ": no such folder; check data.path in the config", error(folder(missing, 28, 1, 0, false)));
        Path file = root.resolve("a.png");
        image(file, 8, 8, BufferedImage.TYPE_INT_RGB, Color.RED);
        assertEquals(file + ": is a file, not a folder; data.path must name a folder of images (one sub-folder per "
                + "class), a zip archive of one, or a packed file from gan data pack", error(folder(file, 28, 1, 0, false)));
    }
}
