package dev.gan.train;

import dev.gan.TestRuns;
import dev.gan.io.Checkpoints;
import dev.gan.system.TempFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on packed files through the real entry point: the same networks as from the IDX files they were packed
 * from, exact resume, folder data packed once into the run's data cache, and the resource failures: a full disk while
 * checkpointing, and an out-of-memory in a child JVM with a tiny heap.
 */
class PackedTrainingTest {
    @TempDir
    Path tmp;

    private Path packBundled() {
        Path packed = tmp.resolve("fm128.packed");
        TestRuns.Result r = gan("data", "pack", "data/fashion-mnist/t10k-images-idx3-ubyte.gz", "--labels",
                "data/fashion-mnist/t10k-labels-idx1-ubyte.gz", "--limit", "128", "--out", packed.toString());
        assertEquals(0, r.exit(), r.toString());
        return packed;
    }

    /** The straight 6-step run of {@code TestRuns.tinyConfig} on the packed file equals the IDX run, and resumes exactly. */
    @Test
    void packedTrainsLikeItsIdxAndResumesExactly() throws Exception {
        String packed = "  format: packed\n  path: " + packBundled() + "\n";
        assertEquals(0, gan("train", "--config", TestRuns.tinyConfig(tmp, "idx", "").toString()).exit());
        TestRuns.Result straight = gan("train", "--config", TestRuns.tinyConfig(tmp, "straight", packed, "").toString());
        assertEquals(0, straight.exit(), straight.toString());
        assertTrue(straight.out().contains("data: 128 images 1x28x28 from " + Path.of(
                "data/fashion-mnist/t10k-images-idx3-ubyte.gz").toAbsolutePath() + ", 10 classes, memory-mapped\n"),
                straight.out());
        assertEquals(0, gan("train", "--config", TestRuns.tinyConfig(tmp, "split", packed, "").toString(),
                "--set", "training.steps=3").exit());
        TestRuns.Result resumed = gan("train", "--resume", tmp.resolve("runs/split-001").toString(),
                "--set", "training.steps=6");
        assertEquals(0, resumed.exit(), resumed.toString());

        Checkpoints.Checkpoint idx = Checkpoints.read(tmp.resolve("runs/idx-001/checkpoints/step-000006.zip"), true);
        Checkpoints.Checkpoint a = Checkpoints.read(tmp.resolve("runs/straight-001/checkpoints/step-000006.zip"), true);
        Checkpoints.Checkpoint b = Checkpoints.read(tmp.resolve("runs/split-001/checkpoints/step-000006.zip"), true);
        assertClose(idx.generator().params(), a.generator().params());
        assertClose(a.generator().params(), b.generator().params());
        assertClose(a.discriminator().params(), b.discriminator().params());
        assertClose(a.generator().updaterState(), b.generator().updaterState());
        assertEquals(a.state().batchesDrawn(), b.state().batchesDrawn());
    }

    /**
     * {@code /dev/full} under the temporary name of the step-4 checkpoint: writing it fails with the kernel's real
     * "No space left on device", as on a full disk. The run stops with one line, and step 2's checkpoint is intact.
     */
    @Test
    void aFullDiskWhileCheckpointingKeepsThePreviousCheckpoint() throws Exception {
        Path dev = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(dev), "needs /dev/full (Linux)");
        Path cfg = TestRuns.tinyConfig(tmp, "full", "");
        Path checkpoints = tmp.resolve("runs/full-001/checkpoints");
        Files.createDirectories(checkpoints);
        Path temporary = TempFiles.ofProcess(checkpoints.resolve("step-000004.zip"));   // this JVM's: gan runs in it
        Files.createSymbolicLink(temporary, dev);
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--run-dir", tmp.resolve("runs/full-001").toString(),
                "--set", "output.checkpoint_every=2", "--set", "training.steps=4");
        assertEquals(1, r.exit(), r.toString());
        Path step2 = checkpoints.resolve("step-000002.zip");
        assertEquals(checkpoints.resolve("step-000004.zip") + ": cannot write the checkpoint of step 4 (the disk is "
                + "full); the previous checkpoint " + step2 + " is intact; free some space and resume with gan train "
                + "--resume " + tmp.resolve("runs/full-001"), r.err().strip());
        assertEquals(List.of(step2), Checkpoints.stepFiles(checkpoints));
        assertEquals(2, Checkpoints.read(step2, true).state().step());
        assertTrue(Files.notExists(temporary, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the temporary name is removed");
    }

    /**
     * A 61 MB IDX dataset in a JVM with a 32 MB heap, through the real main: one line that says the heap ran out, how
     * big the data was and what to do; exit 1, no stack trace.
     */
    @Test
    void outOfMemoryIsOneLineWithTheSizesAndTheFix() throws Exception {
        Path idx = tmp.resolve("big-idx3-ubyte.gz");
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(idx)))) {
            out.writeInt(0x803);
            out.writeInt(60000);
            out.writeInt(32);
            out.writeInt(32);
            out.write(new byte[60000 * 32 * 32]);
        }
        Path cfg = TestRuns.tinyConfig(tmp, "oom", "  images: " + idx + "\n  labels: \"\"\n  image_size: 32\n", "");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx32m", "-Djava.awt.headless=true", "-cp",
                System.getProperty("java.class.path"), "dev.gan.Main", "train", "--config", cfg.toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(1, p.exitValue(), err);
        String expected = Pattern.quote("gan: out of memory: the Java heap (max ") + "\\d+"
                + Pattern.quote(" MB, GAN_JAVA_OPTS) is full (Java heap space); data: IDX array [60000, 32, 32] "
                + "(61.4 MB) from " + idx + ", read onto the Java heap; fix: pack the images once with gan data pack "
                + "SRC --out FILE.packed and use the file (it is memory-mapped, off the heap), or give Java more heap, "
                + "e.g. GAN_JAVA_OPTS=-Xmx4g ./gan ...");
        assertTrue(err.matches(expected), err);
        assertTrue(Files.notExists(tmp.resolve("runs")), "nothing written");
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-6 * scale, "max |diff| " + diff + " vs scale " + scale);
    }
}
