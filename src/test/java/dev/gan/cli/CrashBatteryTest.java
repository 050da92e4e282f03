package dev.gan.cli;

import dev.gan.GanProcess;
import dev.gan.TestRuns;
import dev.gan.eval.ClassifierFile;
import dev.gan.experiment.RunStatus;
import dev.gan.io.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of every writing command at seeded random moments: what it leaves under its output's final name is
 * absent, the old file, or complete and valid (checked the way a user would: packed files by {@code gan data info
 * --verify}, checkpoints and classifiers by loading them), and running the command again succeeds. Temporary files
 * a killed command leaves beside its output are not looked at here; only the final outputs are.
 */
class CrashBatteryTest {
    private static final String IMAGES = "data/fashion-mnist/t10k-images-idx3-ubyte.gz",
            LABELS = "data/fashion-mnist/t10k-labels-idx1-ubyte.gz";
    /** The seeded moments: milliseconds after the child JVM starts (its start-up takes the first one or two). */
    private final Random moments = new Random(27);

    @TempDir
    Path tmp;

    @Test
    void train() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "c", "");
        Path run = tmp.resolve("run");
        Path checkpoints = run.resolve("checkpoints");
        String[] args = {"train", "--config", cfg.toString(), "--run-dir", run.toString(), "--set",
                "training.steps=100000", "--set", "output.checkpoint_every=10", "--set", "output.sample_every=50"};
        for (int k = 0; k < 2; k++) {
            int before = stepFiles(checkpoints).size();
            // the moment is counted from a new checkpoint: the kill lands in training, not in the JVM's start-up
            boolean running = killAtRandom("train", 0, 2000, () -> stepFiles(checkpoints).size() > before, args);
            assertTrue(running, "the run should still have been training");
            for (Path ck : stepFiles(checkpoints)) Checkpoints.read(ck, true);   // throws if torn
        }
        List<Path> left = stepFiles(checkpoints);
        long at = Checkpoints.readState(left.get(left.size() - 1)).step();
        TestRuns.Result again = gan("train", "--resume", run.toString(), "--set", "training.steps=" + (at + 10));
        assertEquals(0, again.exit(), again.toString());
        assertTrue(Files.readString(run.resolve("log.txt")).contains("done at step " + (at + 10)));
        Checkpoints.read(Checkpoints.fileFor(checkpoints, at + 10), true);
    }

    @Test
    void dataPack() throws Exception {
        Path out = tmp.resolve("f.packed");
        String[] args = {"data", "pack", IMAGES, "--labels", LABELS, "--size", "48", "--out", out.toString(),
                "--overwrite"};
        killAtRandom("pack", 1500, 5000, args);
        if (Files.exists(out)) verifies(out);
        assertEquals(0, gan(args).exit());
        verifies(out);
        killAtRandom("pack", 1500, 5000, args);   // over a complete file: the old one or the new one, never half
        verifies(out);
        assertEquals(0, gan(args).exit());
        verifies(out);
    }

    @Test
    void sampleExport() throws Exception {
        Path dir = tmp.resolve("export");
        String[] args = {"sample", "--checkpoint", "src/test/resources/checkpoints/cgan-28-tiny-format1.zip",
                "--export", "packed", "--count", "6000", "--out", dir.toString(), "--overwrite"};
        killAtRandom("sample", 1500, 4000, args);
        Path packed = dir.resolve("images.packed");
        if (Files.exists(packed)) verifies(packed);
        if (Files.exists(dir.resolve("manifest.json"))) assertTrue(Files.exists(packed), "the manifest comes last");
        TestRuns.Result again = gan(args);
        assertEquals(0, again.exit(), again.toString());
        verifies(packed);
    }

    @Test
    void classifierTrain() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "c", "");
        Path zip = tmp.resolve("c.zip");
        String[] args = {"classifier", "train", "--config", cfg.toString(), "--set", "data.limit=1024", "--epochs", "2",
                "--out", zip.toString()};
        killAtRandom("classifier", 2000, 6000, args);
        if (Files.exists(zip)) ClassifierFile.load(zip);
        Files.deleteIfExists(zip);   // a complete one is not overwritten; the rerun must make it again
        Files.deleteIfExists(ClassifierFile.infoFile(zip));
        TestRuns.Result again = gan(args);
        assertEquals(0, again.exit(), again.toString());
        ClassifierFile.load(zip);
    }

    @Test
    void sweepLocal() throws Exception {
        Path plan = tmp.resolve("s.yaml");
        Files.writeString(plan, """
                name: s
                sweeps_dir: %s
                base:
                  seed: 7
                  data: {images: %s, limit: 128}
                  model: {latent_size: 16, g_width: 8, d_width: 8}
                  training: {batch_size: 16, steps: 60}
                  output: {log_every: 10, sample_every: 30, checkpoint_every: 10, keep_checkpoints: 2, grid_size: 4}
                grid:
                  training.g.lr: [1.0e-4, 2.0e-4]
                """.formatted(tmp.resolve("sweeps"), IMAGES));
        Path sweeps = tmp.resolve("sweeps");
        killAtRandom("sweep", 0, 1500, () -> anyCheckpoint(sweeps), "sweep", "--plan", plan.toString());
        List<Path> runs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(sweeps, 2)) {
            s.filter(p -> Files.isDirectory(p.resolve("checkpoints"))).forEach(runs::add);
        }
        for (Path run : runs) for (Path ck : stepFiles(run.resolve("checkpoints"))) Checkpoints.read(ck, true);
        TestRuns.Result again = gan("sweep", "--plan", plan.toString());
        assertEquals(0, again.exit(), again.toString());
        Path folder = tmp.resolve(again.out().lines().filter(l -> l.startsWith("sweep ")).findFirst().orElseThrow()
                .replaceFirst("^sweep (.*): \\d+ runs?;.*$", "$1"));
        for (String name : List.of("001_lr-0.0001", "002_lr-0.0002")) {
            assertEquals(RunStatus.DONE, RunStatus.read(folder.resolve(name)).state(), again.out());
        }
    }

    /** Starts {@code gan args}, waits a seeded random moment in [fromMs, toMs) and kills it with SIGKILL. */
    private boolean killAtRandom(String name, int fromMs, int toMs, String... args) throws Exception {
        return killAtRandom(name, fromMs, toMs, () -> true, args);
    }

    /**
     * Starts {@code gan args}, waits until {@code from} holds, then a seeded random moment in [fromMs, toMs), and
     * kills it with SIGKILL; returns whether it was still running then (printed, to see where the moments land).
     */
    private boolean killAtRandom(String name, int fromMs, int toMs, BooleanSupplier from, String... args)
            throws Exception {
        long at = fromMs + moments.nextInt(toMs - fromMs);
        GanProcess p = GanProcess.start(tmp.resolve(name + "-" + at + ".txt"), args);
        boolean running;
        try {
            assertTrue(p.await(from, 180), p.output());
            Thread.sleep(at);
            running = p.alive();
        } finally {
            p.kill();
        }
        System.out.println("crash battery: gan " + name + " killed " + at + " ms in, "
                + (running ? "while running" : "after it had ended"));
        return running;
    }

    private static boolean anyCheckpoint(Path sweeps) {
        try (Stream<Path> s = Files.walk(sweeps, 4)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("step-"));
        } catch (Exception e) {
            return false;
        }
    }

    private static void verifies(Path packed) {
        TestRuns.Result info = gan("data", "info", "--verify", packed.toString());
        assertEquals(0, info.exit(), info.toString());
    }

    private static List<Path> stepFiles(Path dir) {
        return Files.isDirectory(dir) ? Checkpoints.stepFiles(dir) : List.of();
    }
}
