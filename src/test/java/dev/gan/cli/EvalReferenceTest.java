package dev.gan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gan.TestRuns;
import dev.gan.data.IdxReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gan eval --reference}: scoring against held-out images (a folder of real PNGs, by class, that neither the
 * GAN nor the classifier saw) through the real CLI, and one line with exit 2 for each kind of bad reference.
 */
class EvalReferenceTest {
    @TempDir
    static Path shared;
    static Path classifier, heldOut, run;

    /** A classifier and a DCGAN on the first 512 bundled images; 120 later ones as a folder of PNGs. */
    @BeforeAll
    static void setUp() throws Exception {
        Path cfg = TestRuns.tinyConfig(shared, "ref", "");
        classifier = shared.resolve("clf.zip");
        TestRuns.Result c = gan("classifier", "train", "--config", cfg.toString(), "--set", "data.limit=512",
                "--epochs", "1", "--out", classifier.toString());
        assertEquals(0, c.exit(), c.toString());
        assertEquals(0, gan("train", "--config", cfg.toString()).exit());
        run = shared.resolve("runs/ref-001");
        byte[] px = IdxReader.read(Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz")).data();
        byte[] labels = IdxReader.read(Path.of("data/fashion-mnist/t10k-labels-idx1-ubyte.gz")).data();
        heldOut = shared.resolve("heldout");
        for (int i = 5000; i < 5120; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, 28, 28, java.util.Arrays.copyOfRange(px, i * 784, (i + 1) * 784));
            Path file = heldOut.resolve("class" + labels[i] + "/" + i + ".png");
            Files.createDirectories(file.getParent());
            assertTrue(ImageIO.write(img, "png", file.toFile()));
        }
    }

    private static JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void aCheckpointIsScoredAgainstTheHeldOutFolder() throws Exception {
        Path out = shared.resolve("held.json"), train = shared.resolve("train.json");
        TestRuns.Result r = gan("eval", "--checkpoint", run.toString(), "--classifier", classifier.toString(),
                "--samples", "100", "--reference", heldOut.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("protocol: reference 100 images of " + heldOut + " (--reference); classifier "),
                r.out());
        JsonNode p = json(out).get("protocol");
        assertEquals(heldOut.toString(), p.get("reference").asText());
        assertTrue(p.get("reference_given").asBoolean() && !p.get("reference_matches").asBoolean(), p.toString());
        assertEquals(100, p.get("reference_count").asInt());

        // without --out: a file of its own beside the usual one
        TestRuns.Result own = gan("eval", "--checkpoint", run.toString(), "--classifier", classifier.toString(),
                "--samples", "100", "--reference", heldOut.toString());
        assertEquals(0, own.exit(), own.toString());
        assertTrue(own.out().contains("wrote " + run.resolve("eval/step-000006-ref-heldout.json")), own.out());

        TestRuns.Result d = gan("eval", "--checkpoint", run.toString(), "--classifier", classifier.toString(),
                "--samples", "100", "--out", train.toString());
        assertEquals(0, d.exit(), d.toString());
        assertTrue(!json(train).get("protocol").get("reference_given").asBoolean());
        assertTrue(json(train).get("scores").get("fid").asDouble() != json(out).get("scores").get("fid").asDouble(),
                "another reference, another FID");
    }

    /** The folder scored against itself (all 120 both sides) is FID 0: the reference really is the folder. */
    @Test
    void imagesAgainstTheSameImagesScoreZero() throws Exception {
        Path out = shared.resolve("self.json");
        TestRuns.Result r = gan("eval", "--images", heldOut.toString(), "--classifier", classifier.toString(),
                "--samples", "120", "--reference", heldOut.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode s = json(out).get("scores");
        assertEquals(0, s.get("fid").asDouble(), 1e-3, s.toString());
        assertEquals(1, s.get("precision").asDouble(), 1e-9, s.toString());
        TestRuns.Result usual = gan("eval", "--images", heldOut.toString(), "--classifier", classifier.toString(),
                "--samples", "120", "--out", shared.resolve("usual.json").toString());
        assertEquals(0, usual.exit(), usual.toString());
        assertTrue(json(shared.resolve("usual.json")).get("scores").get("fid").asDouble() > 0.01);
    }

    /** A CGAN keeps its conditional accuracy and CAS: they do not use the reference's labels (it needs none). */
    @Test
    void aCganIsScoredAgainstAnUnlabelledReference() throws Exception {
        Path cfg = TestRuns.tinyConfig(shared, "cg", "");
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "model.type=cgan").exit());
        Path idx = EvalCommandTest.writeIdx(shared.resolve("held.idx"), java.util.Arrays.copyOfRange(
                IdxReader.read(Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz")).data(), 6000 * 784,
                6064 * 784), 64);
        TestRuns.Result r = gan("eval", "--checkpoint", shared.resolve("runs/cg-001").toString(), "--classifier",
                classifier.toString(), "--samples", "64", "--reference", idx.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("cond. acc.") && r.out().contains("CAS") && r.out().contains(idx + " (--reference)"),
                r.out());
    }

    @Test
    void aBadReferenceIsOneLineAndExit2() throws Exception {
        Path missing = shared.resolve("nope");
        assertError("--reference " + missing + ": no such file or folder; give a folder or zip of images, a packed "
                + "file (gan data pack) or an IDX image file", missing, "100");
        Path text = Files.writeString(shared.resolve("notes.txt"), "these are not images\n");
        assertError("--reference " + text + ": not an IDX file (magic 0x74686573; IDX files start with two zero "
                + "bytes, the element type and the number of dimensions, e.g. 0x00000803 for images)", text, "100");
        Path empty = Files.createDirectories(shared.resolve("empty"));
        TestRuns.Result none = eval(empty, "100");
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().startsWith("--reference " + empty + ": no images") && none.err().strip().lines().count() == 1,
                none.err());
        assertError("--reference " + heldOut + ": has 120 images, fewer than the 200 samples to compare with "
                + "(--samples); give more held-out images or lower --samples", heldOut, "200");
    }

    private static TestRuns.Result eval(Path reference, String samples) {
        return gan("eval", "--checkpoint", run.toString(), "--classifier", classifier.toString(), "--samples", samples,
                "--reference", reference.toString(), "--out", shared.resolve("bad.json").toString());
    }

    private static void assertError(String expected, Path reference, String samples) {
        TestRuns.Result r = eval(reference, samples);
        assertEquals(2, r.exit(), r.toString());
        assertEquals(expected, r.err().strip());
    }
}
