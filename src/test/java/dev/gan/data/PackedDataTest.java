package dev.gan.data;

import dev.gan.TestRuns;
import dev.gan.config.DataConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gan data pack} / {@code info} and packed files as training data, through the real entry point: round trips
 * from a folder, a zip and IDX files (pixels, labels, class names equal to what the direct sources give), and one
 * fixture with its exact one-line message per defect of a packed file or a zip.
 */
class PackedDataTest {
    static final String IDX_IMAGES = "data/fashion-mnist/t10k-images-idx3-ubyte.gz";
    static final String IDX_LABELS = "data/fashion-mnist/t10k-labels-idx1-ubyte.gz";

    @TempDir
    Path tmp;

    /** {@code n} noisy RGB PNGs of {@code w x h} per class folder, seeded. */
    static void folder(Path root, List<String> classes, int n, int w, int h) throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        for (String c : classes) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < n; i++) {
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
                ImageIO.write(img, "png", root.resolve(c).resolve(i + ".png").toFile());
            }
        }
    }

    /** A zip holding {@code root}'s files under their relative names. */
    static void zip(Path root, Path zip) throws Exception {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out);
             var files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(root.relativize(p).toString().replace('\\', '/')));
                z.write(Files.readAllBytes(p));
                z.closeEntry();
            }
        }
    }

    static DataConfig packedConfig(Path file, int size, int channels) {
        return new DataConfig("packed", null, null, file.toString(), size, channels, 0, false, null);
    }

    static void assertSameImages(ImageSet expected, ImageSet actual) {
        assertEquals(expected.count(), actual.count());
        assertEquals(expected.channels(), actual.channels());
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.classNames(), actual.classNames());
        assertArrayEquals(expected.labels(), actual.labels());
        byte[] a = new byte[expected.imageBytes()], b = new byte[expected.imageBytes()];
        for (int i = 0; i < expected.count(); i++) {
            expected.image(i, a, 0);
            actual.image(i, b, 0);
            assertArrayEquals(a, b, "image " + i);
        }
    }

    private TestRuns.Result ok(String... args) {
        TestRuns.Result r = gan(args);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private String error(String... args) {
        TestRuns.Result r = gan(args);
        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        return r.err().strip();
    }

    @Test
    void folderAndZipPackToTheImagesTheFolderSourceReads() throws Exception {
        Path images = tmp.resolve("imgs");
        folder(images, List.of("cat", "dog"), 5, 30, 20);
        Path packed = tmp.resolve("imgs.packed");
        TestRuns.Result r = ok("data", "pack", images.toString(), "--out", packed.toString(), "--size", "28");
        assertTrue(r.out().startsWith("packed 10 images 28x28 RGB, 2 classes from " + images.toAbsolutePath()
                + " into " + packed + " (27.7 kB) in "), r.out());

        ImageSet direct = FolderSource.load(new DataConfig("folder", null, null, images.toString(), 28, 3, 0, false, null));
        ImageSet mapped = Datasets.load(packedConfig(packed, 28, 3));
        assertTrue(mapped.store() instanceof MappedPixels, "a packed file is mapped, not read onto the heap");
        assertSameImages(direct, mapped);

        Path zip = tmp.resolve("imgs.zip");
        zip(images, zip);
        ImageSet fromZip = Datasets.load(new DataConfig("folder", null, null, zip.toString(), 28, 3, 0, false, null));
        assertEquals(zip.toString(), fromZip.source());
        assertSameImages(direct, fromZip);
        Path zipPacked = tmp.resolve("zip.packed");
        ok("data", "pack", zip.toString(), "--out", zipPacked.toString(), "--size", "28");
        assertSameImages(direct, Datasets.load(packedConfig(zipPacked, 28, 3)));

        TestRuns.Result info = ok("data", "info", packed.toString(), "--verify");
        assertTrue(info.out().contains("images:   10 of 28x28 RGB (2352 bytes each)\n"), info.out());
        assertTrue(info.out().contains("classes:  2: cat 5, dog 5\n"), info.out());
        assertTrue(info.out().endsWith("verified: the data matches the header's SHA-256\n"), info.out());

        assertEquals(packed + ": already exists; give another --out, or --overwrite to replace it",
                error("data", "pack", images.toString(), "--out", packed.toString(), "--size", "28"));
    }

    @Test
    void idxPacksWithLabelsAndClassNamesAndTheLayoutIsTheDocumentedOne() throws Exception {
        Path packed = tmp.resolve("fm.packed");
        ok("data", "pack", IDX_IMAGES, "--labels", IDX_LABELS, "--limit", "100", "--out", packed.toString(),
                "--class-names", "t-shirt,trouser,pullover,dress,coat,sandal,shirt,sneaker,bag,boot");
        ImageSet idx = IdxSource.load(new DataConfig("idx", IDX_IMAGES, IDX_LABELS, null, 28, 1, 100, false,
                "t-shirt,trouser,pullover,dress,coat,sandal,shirt,sneaker,bag,boot"));
        ImageSet mapped = Datasets.load(packedConfig(packed, 28, 1));
        assertSameImages(idx, mapped);

        // docs/data.md: magic, little-endian header length, JSON, pixels at 4096, then int32 LE labels
        byte[] all = Files.readAllBytes(packed);
        assertEquals("GAN-PACK", new String(all, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        ByteBuffer le = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4096 - 16, le.getLong(8));
        for (int p = 0; p < 784; p++) assertEquals(idx.pixels()[784 * 7 + p], all[4096 + 784 * 7 + p]);
        assertEquals(idx.labels()[99], le.getInt(4096 + 100 * 784 + 4 * 99));
        assertEquals(4096 + 100 * 784 + 4 * 100, all.length);
    }

    /** One fixture per defect: a foreign file, a damaged header, a truncated or padded body, a wrong checksum. */
    @Test
    void damagedOrForeignPackedFilesAreOneLineErrors() throws Exception {
        Path good = tmp.resolve("good.packed");
        ok("data", "pack", IDX_IMAGES, "--limit", "20", "--out", good.toString());
        long length = Files.size(good);

        Path foreign = tmp.resolve("foreign.packed");
        Files.write(foreign, Files.readAllBytes(Path.of(IDX_LABELS)));
        assertEquals(foreign + ": not a packed dataset (it does not start with GAN-PACK); make one with gan data pack "
                + "SRC --out FILE.packed, or set data.format to what the file is", error("data", "info", foreign.toString()));

        Path truncated = copy(good, "truncated.packed");
        try (FileChannel ch = FileChannel.open(truncated, StandardOpenOption.WRITE)) {
            ch.truncate(length - 100);
        }
        assertEquals(truncated + ": truncated: the header promises 20 images (" + length + " bytes) but the file has "
                + (length - 100) + " bytes; pack it again with gan data pack", error("data", "info", truncated.toString()));

        Path stub = copy(good, "stub.packed");
        try (FileChannel ch = FileChannel.open(stub, StandardOpenOption.WRITE)) {
            ch.truncate(10);
        }
        assertEquals(stub + ": truncated: the file ends inside the packed header; pack it again with gan data pack",
                error("data", "info", stub.toString()));

        Path padded = copy(good, "padded.packed");
        Files.write(padded, new byte[7], StandardOpenOption.APPEND);
        assertEquals(padded + ": has 7 bytes after the 20 images its header promises; it is not a valid packed "
                + "dataset: pack it again with gan data pack", error("data", "info", padded.toString()));

        Path badLength = copy(good, "length.packed");
        patch(badLength, 8, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertEquals(badLength + ": corrupt packed dataset: header length 1099511627776 does not fit the file ("
                + length + " bytes); pack it again with gan data pack", error("data", "info", badLength.toString()));

        Path badJson = copy(good, "json.packed");
        patch(badJson, 16, "[[[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String json = error("data", "info", badJson.toString());
        assertTrue(json.startsWith(badJson + ": corrupt packed dataset: the header is not valid JSON ("), json);
        assertTrue(json.endsWith("); pack it again with gan data pack"), json);

        Path badField = copy(good, "field.packed");
        String header = new String(Files.readAllBytes(badField), 16, 4080, java.nio.charset.StandardCharsets.UTF_8);
        int at = header.indexOf("\"channels\" : 1");
        patch(badField, 16 + at, "\"channels\" : 2".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(badField + ": corrupt packed dataset: channels is 2, not 1 or 3; pack it again with gan data pack",
                error("data", "info", badField.toString()));

        Path flipped = copy(good, "flipped.packed");
        patch(flipped, 4096 + 500, new byte[]{(byte) (Files.readAllBytes(good)[4096 + 500] ^ 1)});
        String sha = error("data", "info", flipped.toString(), "--verify");
        assertTrue(sha.matches(java.util.regex.Pattern.quote(flipped.toString()) + ": corrupt: the SHA-256 of its data "
                + "is [0-9a-f]{64} but its header records [0-9a-f]{64}; pack it again with gan data pack"), sha);

        // the same checks guard training, as a config error before anything is written
        Path cfg = TestRuns.tinyConfig(tmp, "trunc", "  format: packed\n  path: " + truncated + "\n", "");
        assertEquals(truncated + ": truncated: the header promises 20 images (" + length + " bytes) but the file has "
                + (length - 100) + " bytes; pack it again with gan data pack", error("train", "--config", cfg.toString()));
        Path rgb = TestRuns.tinyConfig(tmp, "rgb", "  format: packed\n  path: " + good + "\n  channels: 3\n", "");
        assertEquals(good + ": holds 28x28 grayscale images but data.image_size is 28 and data.channels is 3; set "
                + "data.image_size: 28 and data.channels: 1, or pack it again with --size 28 --channels 3",
                error("train", "--config", rgb.toString()));
        assertTrue(Files.notExists(tmp.resolve("runs")), "nothing is written for a bad dataset");
    }

    @Test
    void zipInputWithABadEntryOrNotAZipIsOneLine() throws Exception {
        Path images = tmp.resolve("imgs");
        folder(images, List.of("a", "b"), 3, 28, 28);
        Files.writeString(images.resolve("b/broken.png"), "<html>a download that went wrong</html>");
        Path zip = tmp.resolve("imgs.zip");
        zip(images, zip);
        Path cfg = TestRuns.tinyConfig(tmp, "z", "  format: folder\n  path: " + zip + "\n  channels: 3\n", "");
        assertEquals(zip + "!b/broken.png: not a readable image (no PNG, JPEG, WebP, TIFF, BMP or GIF decoder "
                + "recognises its content); fix or remove the file, or set data.skip_bad_files: true to skip such files",
                error("train", "--config", cfg.toString()));
        assertTrue(Files.notExists(tmp.resolve("runs")), "a failed pack leaves no cache folder");

        Path notZip = tmp.resolve("fake.zip");
        Files.writeString(notZip, "not a zip at all");
        assertEquals(notZip + ": not a readable zip archive (zip END header not found); check the file, or unpack it "
                + "and give the folder as data.path", error("data", "pack", notZip.toString(), "--out",
                tmp.resolve("x.packed").toString()));
        assertTrue(Files.notExists(tmp.resolve("x.packed")));
    }

    /** gan sample --export packed writes the images --export idx writes, with the CGAN's class names. */
    @Test
    void sampleExportsPackedFilesTheTrainerReads() throws Exception {
        String ckpt = "src/test/resources/checkpoints/cgan-28-tiny-format1.zip";
        Path idx = tmp.resolve("idx"), packed = tmp.resolve("packed");
        ok("sample", "--checkpoint", ckpt, "--export", "idx", "--per-class", "2", "--seed", "3", "--out", idx.toString());
        TestRuns.Result r = ok("sample", "--checkpoint", ckpt, "--export", "packed", "--per-class", "2", "--seed", "3",
                "--out", packed.toString());
        assertTrue(r.out().contains("exported 20 images (2 per class) to " + packed + ": images.packed, manifest.json"),
                r.out());
        ImageSet fromIdx = Datasets.load(new DataConfig("idx", idx.resolve("images-idx3-ubyte").toString(),
                idx.resolve("labels-idx1-ubyte").toString(), null, 28, 1, 0, false, null));
        ImageSet fromPacked = Datasets.load(packedConfig(packed.resolve("images.packed"), 28, 1));
        assertEquals(10, fromPacked.numClasses());
        assertEquals("T-shirt/top", fromPacked.classNames().get(0));
        assertSameImages(new ImageSet(fromIdx.store(), 20, 1, 28, fromIdx.labels(), fromPacked.classNames(),
                fromIdx.source(), List.of()), fromPacked);
    }

    /** Chunks of 3 images stand in for the 1 GiB chunks of files over 2^31 bytes: every image reads whole. */
    @Test
    void aMappingInSeveralChunksReadsEveryImage() throws Exception {
        Path packed = tmp.resolve("fm.packed");
        ok("data", "pack", IDX_IMAGES, "--limit", "10", "--out", packed.toString());
        PackedHeader h = PackedFile.header(packed);
        MappedPixels chunked = new MappedPixels(packed, h.pixelsOffset(), h.pixelsBytes(), 784, 3 * 784 + 100);
        assertEquals(4, chunked.chunks(), "10 images in chunks of 3");
        ImageSet heap = IdxSource.load(new DataConfig("idx", IDX_IMAGES, "", null, 28, 1, 10, false, null));
        assertSameImages(heap, new ImageSet(chunked, 10, 1, 28, null, List.of(), "chunked", List.of()));
        byte[] across = new byte[784 * 5], expected = new byte[784 * 5];
        chunked.read(784L * 2, across, 0, across.length);   // a read that spans chunks, as fingerprints do
        System.arraycopy(heap.pixels(), 784 * 2, expected, 0, expected.length);
        assertArrayEquals(expected, across);
    }

    @Test
    void everyDataVerbHasHelp() {
        TestRuns.Result data = ok("data", "--help");
        for (String verb : List.of("pack", "info", "bench")) {
            assertTrue(data.out().contains("  " + verb + " "), data.out());
            assertTrue(ok("data", verb, "--help").out().startsWith("Usage: gan data " + verb), verb);
        }
        assertTrue(ok("--help").out().contains("  data "));
    }

    private Path copy(Path from, String name) throws Exception {
        return Files.copy(from, tmp.resolve(name));
    }

    private static void patch(Path file, long at, byte[] bytes) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), at);
        }
    }
}
