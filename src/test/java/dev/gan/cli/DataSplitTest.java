package dev.gan.cli;

import dev.gan.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gan data split} through the real CLI on a folder of real PNGs in three classes of 10, 10 and 4 images. */
class DataSplitTest {
    @TempDir
    Path tmp;

    private Path source() throws Exception {
        Path root = tmp.resolve("src");
        int[] sizes = {10, 10, 4};
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < sizes[k]; i++) {
                BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                img.setRGB(i % 8, k, 0xffffff);
                Path f = root.resolve("c" + k + (i == 0 ? "/deeper" : "") + "/" + i + ".png");
                Files.createDirectories(f.getParent());
                ImageIO.write(img, "png", f.toFile());
            }
        }
        return root;
    }

    private static Set<String> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return new TreeSet<>(s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).toList());
        }
    }

    @Test
    void everyClassGivesItsShareAndNothingIsLostOrShared() throws Exception {
        Path src = source(), out = tmp.resolve("split");
        TestRuns.Result r = gan("data", "split", src.toString(), "--heldout", "25%", "--out", out.toString(),
                "--seed", "1");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("split 24 images of " + src + " (3 classes): 18 into " + out.resolve("train") + ", 6 into "
                + out.resolve("heldout") + " (seed 1)", r.out().strip());
        Set<String> train = files(out.resolve("train")), held = files(out.resolve("heldout"));
        // 25% of 10, 10, 4 is 2.5, 2.5, 1: six in all, the half image going to the first class of the tie
        assertEquals(List.of(3L, 2L, 1L), Stream.of("c0/", "c1/", "c2/")
                .map(c -> held.stream().filter(f -> f.startsWith(c)).count()).toList());
        Set<String> all = new TreeSet<>(train);
        all.addAll(held);
        assertEquals(files(src), all, "every file once, at its path below the source (class folder first)");
        assertEquals(24, train.size() + held.size());
        for (String f : held) {
            assertArrayEquals(Files.readAllBytes(src.resolve(f)), Files.readAllBytes(out.resolve("heldout").resolve(f)));
        }
        assertTrue(Files.readString(out.resolve("split.txt")).contains("train 18 images, heldout 6 images"));

        Path again = tmp.resolve("again"), other = tmp.resolve("other");
        assertEquals(0, gan("data", "split", src.toString(), "--heldout", "25%", "--out", again.toString(),
                "--seed", "1").exit());
        assertEquals(held, files(again.resolve("heldout")), "the same seed, the same split");
        assertEquals(0, gan("data", "split", src.toString(), "--heldout", "6", "--out", other.toString(),
                "--seed", "2").exit());
        assertEquals(6, files(other.resolve("heldout")).size());
        assertNotEquals(held, files(other.resolve("heldout")), "another seed, another split");

        TestRuns.Result exists = gan("data", "split", src.toString(), "--heldout", "6", "--out", out.toString());
        assertEquals(2, exists.exit());
        assertEquals(out + ": already exists; choose another --out, or add --overwrite to replace its train/ and "
                + "heldout/", exists.err().strip());
        assertEquals(0, gan("data", "split", src.toString(), "--heldout", "3", "--out", out.toString(),
                "--overwrite").exit());
        assertEquals(3, files(out.resolve("heldout")).size());
        assertEquals(21, files(out.resolve("train")).size());
        assertTrue(!Files.exists(tmp.resolve("split.partial")));
    }

    @Test
    void badAmountsAreOneLine() throws Exception {
        Path src = source();
        for (String bad : new String[]{"0", "24", "100%", "ten", "2.5"}) {
            TestRuns.Result r = gan("data", "split", src.toString(), "--heldout", bad, "--out",
                    tmp.resolve("o").toString());
            assertEquals(2, r.exit(), bad + ": " + r);
            assertEquals("--heldout " + bad + ": must be a number of images (1..23 of 24 in " + src + ") or a "
                    + "percentage below 100, e.g. 10%", r.err().strip());
        }
        TestRuns.Result tooMany = gan("data", "split", src.toString(), "--heldout", "90%", "--out",
                tmp.resolve("o").toString());
        assertEquals(2, tooMany.exit());
        assertEquals("--heldout 90%: would leave class c2 no training image (it has 4); hold out fewer",
                tooMany.err().strip());
        TestRuns.Result inside = gan("data", "split", src.toString(), "--heldout", "2", "--out",
                src.resolve("split").toString());
        assertEquals(2, inside.exit());
        assertTrue(inside.err().startsWith(src.resolve("split") + ": is inside "), inside.err());
        assertTrue(!Files.exists(tmp.resolve("o")));
    }

    @Test
    void helpNamesTheOptions() {
        TestRuns.Result split = gan("data", "split", "--help");
        assertEquals(0, split.exit());
        assertTrue(split.out().contains("--heldout=N|P%") && split.out().contains("--seed") && split.out().contains("--out=DIR")
                && split.out().contains("--overwrite"), split.out());
        TestRuns.Result eval = gan("eval", "--help");
        assertTrue(eval.out().contains("--reference=DIR|ZIP|PACKED|IDX"), eval.out());
        assertTrue(gan("data", "--help").out().contains("split"));
    }
}
