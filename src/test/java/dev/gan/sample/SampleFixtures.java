package dev.gan.sample;

import dev.gan.TestRuns;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Checkpoints to sample from: the committed CGAN checkpoint and a tiny DCGAN trained on the spot. */
final class SampleFixtures {
    /**
     * A CGAN checkpoint of format 1 (gan 0.1.0: 28x28 grayscale, latent 16, widths 8, 10 Fashion-MNIST classes with
     * their names, "T-shirt/top" among them, 4 steps). Committed so that every later gan must still sample from it.
     */
    static final Path CGAN = Path.of("src/test/resources/checkpoints/cgan-28-tiny-format1.zip");
    static final int SIZE = 28;

    private SampleFixtures() {
    }

    /** Trains a 2-step DCGAN run under {@code dir} and returns its run directory. */
    static Path trainDcgan(Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        Path cfg = TestRuns.tinyConfig(dir, "dc", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "training.steps=2");
        assertEquals(0, r.exit(), r.toString());
        return dir.resolve("runs/dc-001");
    }

    /** Runs {@code gan sample args...} and expects success. */
    static TestRuns.Result sample(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "sample";
        System.arraycopy(args, 0, all, 1, args.length);
        TestRuns.Result r = gan(all);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    /** Runs {@code gan sample args...}, expects exit 2 and returns the one-line message. */
    static String sampleError(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "sample";
        System.arraycopy(args, 0, all, 1, args.length);
        TestRuns.Result r = gan(all);
        assertEquals(2, r.exit(), r.toString());
        return r.err().strip();
    }

    static BufferedImage png(Path file) throws Exception {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new AssertionError(file + " is not a readable image");
        return img;
    }

    /** Gray value (0..255) of a pixel of a grayscale or gray-looking RGB image. */
    static int gray(BufferedImage img, int x, int y) {
        return img.getRaster().getNumBands() == 1 ? img.getRaster().getSample(x, y, 0) : img.getRGB(x, y) & 0xff;
    }
}
