package dev.gan.cli;

import dev.gan.TestRuns;
import dev.gan.io.Checkpoints;
import dev.gan.io.ImageGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** model.arch resnet and model.conditioning projection through the real entry point, on tiny networks. */
class ArchitectureRunsTest {
    @TempDir
    Path tmp;

    /**
     * A ResNet CGAN with projection D and conditional BatchNorm trains, samples one row per class, and resumes to
     * the networks of a straight run (see ResumeTest for the tolerance).
     */
    @Test
    void resnetProjectionCganTrainsSamplesAndResumes() throws Exception {
        String[] model = {"--set", "model.type=cgan", "--set", "model.arch=resnet", "--set", "model.conditioning=projection"};
        Path cfg = TestRuns.tinyConfig(tmp, "straight", "");
        TestRuns.Result r = gan(concat(new String[]{"train", "--config", cfg.toString()}, model));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains(", 10 classes"), r.out());
        assertTrue(java.nio.file.Files.readString(tmp.resolve("runs/straight-001/log.txt")).contains("engine=fast\n"),
                "training.engine auto takes the fast engine for the ResNet with projection");

        Path split = TestRuns.tinyConfig(tmp, "split", "");
        assertEquals(0, gan(concat(new String[]{"train", "--config", split.toString(), "--set", "training.steps=3"},
                model)).exit());
        TestRuns.Result resumed = gan("train", "--resume", tmp.resolve("runs/split-001").toString(),
                "--set", "training.steps=6");
        assertEquals(0, resumed.exit(), resumed.toString());
        Checkpoints.Checkpoint a = Checkpoints.read(tmp.resolve("runs/straight-001/checkpoints/step-000006.zip"), true);
        Checkpoints.Checkpoint b = Checkpoints.read(tmp.resolve("runs/split-001/checkpoints/step-000006.zip"), true);
        assertTrue(b.state().shape().projection(), "the checkpoint says D takes one-hot labels");
        assertClose(a.generator().params(), b.generator().params());
        assertClose(a.discriminator().params(), b.discriminator().params());
        assertClose(a.generator().updaterState(), b.generator().updaterState());

        Path out = tmp.resolve("sampled");
        TestRuns.Result s = gan("sample", "--checkpoint", tmp.resolve("runs/straight-001").toString(),
                "--grid", "2", "--out", out.toString());
        assertEquals(0, s.exit(), s.toString());
        BufferedImage grid = ImageIO.read(out.resolve("grid-10x2-step000006-seed0-all.png").toFile());
        assertEquals(ImageGrid.gridSide(10, 28), grid.getHeight(), "one row per class");
    }

    /** The unconditional ResNet at 32 px on RGB-converted data, and a self-conditioned DCGAN with projection. */
    @Test
    void resnet32AndSelfConditionedProjectionDcganTrain() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "rn32", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "model.arch=resnet",
                "--set", "data.image_size=32", "--set", "data.channels=3", "--set", "training.steps=2");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(java.nio.file.Files.readString(tmp.resolve("runs/rn32-001/log.txt")).contains("engine=fast\n"));
        assertEquals(32, Checkpoints.read(tmp.resolve("runs/rn32-001/checkpoints/step-000002.zip"), false)
                .state().shape().size());

        Path sc = TestRuns.tinyConfig(tmp, "selfproj", "");
        TestRuns.Result p = gan("train", "--config", sc.toString(), "--set", "model.clusters=3",
                "--set", "model.conditioning=projection", "--set", "training.steps=2");
        assertEquals(0, p.exit(), p.toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-6 * scale, "max |diff| " + diff + " vs scale " + scale);
    }
}
