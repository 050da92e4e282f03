package dev.gan.data;

import dev.gan.TestRuns;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Image files as other programs write them, made at run time by ImageMagick (a real encoder, not ImageIO writing what
 * it reads back): a CMYK JPEG, a WebP, a 16-bit TIFF, a BMP and a two-frame GIF, one class folder each, packed from
 * the folder and from a zip of it through {@code gan data pack}. Each holds the same picture, red above green; the
 * GIF's second frame is the negative, so reading the wrong frame shows. Without ImageMagick (and its WebP delegate)
 * the tests are skipped with a message, except on CI, where they fail: .ci/run installs it.
 */
class ImageFormatsTest {
    /** The picture: 40x40, red (224, 16, 32) in the top half, green (32, 192, 64) in the bottom half. */
    private static final int[] RED = {224, 16, 32}, GREEN = {32, 192, 64};
    /** Lossy JPEG/WebP and the CMYK round trip move a colour by a few levels; a wrong decode moves it by far more. */
    private static final int TOLERANCE = 24;
    private static final List<String> CLASSES = List.of("bmp", "gif", "jpeg-cmyk", "tiff", "webp");

    @TempDir
    static Path tmp;
    static Path images;
    /** Why ImageMagick cannot make the files, or null when it made them. */
    static String missing;

    @BeforeAll
    static void makeFilesWithImageMagick() throws Exception {
        missing = imageMagickMissing();
        if (missing != null) return;
        images = tmp.resolve("images");
        Path src = tmp.resolve("src.png");
        convert("-size", "40x40", "xc:rgb(224,16,32)", "-fill", "rgb(32,192,64)", "-draw", "rectangle 0,20 39,39",
                src.toString());
        convert(src.toString(), "-colorspace", "CMYK", "-quality", "95", out("jpeg-cmyk/print.jpg"));
        convert(src.toString(), "-quality", "90", out("webp/photo.webp"));
        // 16-bit RGB with LZW and a predictor: the JDK's own TIFF reader refuses it
        convert(src.toString(), "-type", "TrueColor", "-depth", "16", "-compress", "lzw", out("tiff/scan.TIF"));
        convert(src.toString(), "-type", "TrueColor", out("bmp/icon.bmp"));
        convert(src.toString(), "(", src.toString(), "-negate", ")", "-delay", "50", out("gif/anim.gif"));
    }

    /** Each test, not the class set-up, skips or fails: surefire then counts and reports it. */
    private static void requireImageMagick() {
        if (missing == null) return;
        if ("true".equals(System.getenv("CI"))) {
            fail(missing + "; on CI the image-format test must run: .ci/run installs it");
        }
        Assumptions.abort(missing + ": skipping the image-format test (apt-get install imagemagick)");
    }

    @Test
    void everyFormatIsReadFromAFolder() throws Exception {
        requireImageMagick();
        assertFilesAreWhatTheirNamesSay();
        assertPacksAllFive(images, tmp.resolve("folder.packed"));
    }

    @Test
    void everyFormatIsReadFromAZip() throws Exception {
        requireImageMagick();
        Path zip = tmp.resolve("images.zip");
        PackedDataTest.zip(images, zip);
        assertPacksAllFive(zip, tmp.resolve("zip.packed"));
    }

    /** Packs {@code source} at 28x28 RGB and checks every class's one image: red on top, green below. */
    private static void assertPacksAllFive(Path source, Path packed) {
        TestRuns.Result r = gan("data", "pack", source.toString(), "--out", packed.toString(), "--size", "28",
                "--channels", "3");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("packed 5 images 28x28 RGB, 5 classes from " + source), r.out());
        ImageSet set = PackedFile.open(packed, 28, 3, 0);
        assertEquals(CLASSES, set.classNames());
        byte[] chw = new byte[set.imageBytes()];
        for (int i = 0; i < set.count(); i++) {
            String format = CLASSES.get(set.labels()[i]);
            set.image(i, chw, 0);
            assertColour(format + " top", RED, chw, 14, 5);
            assertColour(format + " bottom", GREEN, chw, 14, 22);
        }
    }

    private static void assertColour(String where, int[] expected, byte[] chw, int x, int y) {
        int[] got = new int[3];
        for (int c = 0; c < 3; c++) got[c] = chw[c * 28 * 28 + y * 28 + x] & 0xff;
        for (int c = 0; c < 3; c++) {
            assertTrue(Math.abs(got[c] - expected[c]) <= TOLERANCE,
                    where + ": expected about " + Arrays.toString(expected) + ", got " + Arrays.toString(got));
        }
    }

    /** The encoder wrote the formats this test is about, as ImageMagick itself reads them back. */
    private static void assertFilesAreWhatTheirNamesSay() throws IOException {
        // format, colour space and bit depth of every frame
        assertEquals("JPEG CMYK 8", identify("jpeg-cmyk/print.jpg"));
        assertEquals("WEBP sRGB 8", identify("webp/photo.webp"));
        assertEquals("TIFF sRGB 16", identify("tiff/scan.TIF"));
        assertEquals("BMP sRGB 8", identify("bmp/icon.bmp"));
        assertEquals("GIF sRGB 8\nGIF sRGB 8", identify("gif/anim.gif"), "two frames");
    }

    private static String identify(String relative) throws IOException {
        String format = "%m %[colorspace] %z\\n";
        return run(List.of("identify", "-format", format, images.resolve(relative).toString())).strip();
    }

    private static String out(String relative) throws IOException {
        Path p = images.resolve(relative);
        Files.createDirectories(p.getParent());
        return p.toString();
    }

    /** Null when ImageMagick's convert runs and can write WebP, else why not. */
    private static String imageMagickMissing() {
        try {
            // the real one's first line; a stand-in that only names ImageMagick in its refusal does not count
            if (!run(List.of("convert", "-version")).contains("Version: ImageMagick")) {
                return "convert is not ImageMagick's";
            }
            boolean webp = run(List.of("convert", "-list", "format")).lines()
                    .anyMatch(l -> l.strip().matches("WEBP\\*? +WEBP +rw.*"));
            return webp ? null : "ImageMagick cannot write WebP (no webp delegate)";
        } catch (IOException e) {
            return "ImageMagick's convert does not run (" + e.getMessage() + ")";
        }
    }

    private static void convert(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("convert"));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    /** Runs a command and returns its output; an IOException when it cannot start, fails or hangs. */
    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
