package dev.gan.cli;

import dev.gan.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The held-out path of an RGB folder as docs/evaluation.md tells it, through the real CLI with the shipped folder
 * config: split, a classifier with its default settings on the training part, a mirrored run, and the run scored
 * against the held-out part.
 */
class HeldOutWorkflowTest {
    @TempDir
    Path tmp;

    /** 60 RGB images of 96 px in three classes: discs, squares and stripes of random colours and places. */
    private Path shapes() throws Exception {
        Path root = tmp.resolve("shapes");
        SplittableRandom r = new SplittableRandom(5);
        String[] kinds = {"discs", "squares", "stripes"};
        for (String kind : kinds) {
            Files.createDirectories(root.resolve(kind));
            for (int i = 0; i < 20; i++) {
                BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(r.nextInt(1 << 24)));
                g.fillRect(0, 0, 96, 96);
                g.setColor(new Color(r.nextInt(1 << 24)));
                int x = r.nextInt(10, 50), y = r.nextInt(10, 50), s = r.nextInt(20, 40);
                switch (kind) {
                    case "discs" -> g.fillOval(x, y, s, s);
                    case "squares" -> g.fillRect(x, y, s, s);
                    default -> {
                        for (int k = 0; k < 96; k += 12) g.fillRect(k, 0, 6, 96);
                    }
                }
                g.dispose();
                assertTrue(ImageIO.write(img, "png", root.resolve(kind + "/" + i + ".png").toFile()));
            }
        }
        return root;
    }

    @Test
    void splitClassifierMirroredRunAndHeldOutEval() throws Exception {
        Path split = tmp.resolve("split"), train = split.resolve("train"), held = split.resolve("heldout");
        TestRuns.Result s = gan("data", "split", shapes().toString(), "--heldout", "25%", "--out", split.toString());
        assertEquals(0, s.exit(), s.toString());
        assertTrue(s.out().contains(": 45 into " + train + ", 15 into " + held), s.out());

        Path clf = tmp.resolve("shapes.zip");
        TestRuns.Result c = gan("classifier", "train", "--config", "configs/dcgan-folder.yaml", "--set",
                "data.path=" + train, "--out", clf.toString());
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("training the domain classifier on 36 images of " + train + " (training part), "
                + "testing on 9 of") && c.out().contains("epoch 3/3: test accuracy ")
                && c.out().contains("saved " + clf + " and " + tmp.resolve("shapes.json") + ": test accuracy "), c.out());

        TestRuns.Result t = gan("train", "--config", "configs/dcgan-folder.yaml", "--set", "data.path=" + train,
                "--set", "data.mirror=true", "--set", "model.g_width=8", "--set", "model.d_width=8", "--set",
                "model.latent_size=16", "--set", "training.batch_size=16", "--set", "training.steps=2", "--set",
                "output.runs_dir=" + tmp.resolve("runs"), "--set", "output.grid_size=2");
        assertEquals(0, t.exit(), t.toString());
        assertTrue(t.out().contains("data: 90 images 3x64x64 from " + train + ", 3 classes, memory-mapped, x2 mirrored "
                + "(45 images and their x-flips)"), t.out());
        // the folder recipe as shipped: EMA generator, rates decaying over the second half, precision decided by the CPU
        assertTrue(t.out().contains("EMA generator (half-life 10 kimg") && t.out().contains("precision auto: ")
                && t.out().contains("learning rates: constant for 1 steps, then linear to 0 over the last 1"), t.out());
        Path runDir = tmp.resolve("runs/dcgan-folder-001");
        assertTrue(Files.readString(runDir.resolve("config.yaml")).contains("  mirror: true"));
        assertTrue(Files.readString(runDir.resolve("config.yaml")).contains("  lr_decay: 0.5"));
        assertTrue(Files.readString(runDir.resolve("report.html")).contains("  mirror: true"), "the report's config");

        Path out = tmp.resolve("held.json");
        TestRuns.Result e = gan("eval", "--checkpoint", runDir.toString(),
                "--classifier", clf.toString(), "--reference", held.toString(), "--samples", "15", "--out",
                out.toString());
        assertEquals(0, e.exit(), e.toString());
        assertTrue(e.out().contains("protocol: reference 15 images of " + held + " (--reference)"), e.out());
        assertTrue(Files.readString(out).contains("\"reference_given\" : true"), Files.readString(out));
    }
}
