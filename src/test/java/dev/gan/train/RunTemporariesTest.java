package dev.gan.train;

import dev.gan.TestRuns;
import dev.gan.system.TempFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training process killed while writing leaves a temporary named after its pid (a half checkpoint, grid or
 * metrics file); the run's next writer removes those of dead processes when it takes the run, says so in its log,
 * and leaves none of its own.
 */
class RunTemporariesTest {
    @TempDir
    Path tmp;

    @Test
    void resumingARunRemovesWhatAKilledWriterLeft() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "t", "");
        Path run = tmp.resolve("runs/t-001");
        TestRuns.Result first = gan("train", "--config", cfg.toString(), "--run-dir", run.toString(), "--set",
                "training.steps=4", "--set", "output.checkpoint_every=2");
        assertEquals(0, first.exit(), first.toString());

        long dead = deadPid();
        String me = "." + ProcessHandle.current().pid() + "@";
        Path checkpoint = killedWritersName(run.resolve("checkpoints/step-000006.zip"), me, dead);
        Path metrics = killedWritersName(run.resolve("metrics.csv"), me, dead);
        Path grid = killedWritersName(run.resolve("samples/step-000006.png"), me, dead);
        for (Path p : new Path[]{checkpoint, metrics, grid}) Files.write(p, new byte[2000]);

        TestRuns.Result resumed = gan("train", "--resume", run.toString(), "--set", "training.steps=6");
        assertEquals(0, resumed.exit(), resumed.toString());
        for (Path p : new Path[]{checkpoint, metrics, grid}) assertTrue(Files.notExists(p), p + " is removed");
        String log = Files.readString(run.resolve("log.txt"));
        assertTrue(log.contains("removed 1 temporary file (0.0 MB) left in " + run.resolve("checkpoints").toAbsolutePath()
                + " by a writer that was killed"), log);
        try (Stream<Path> all = Files.walk(run)) {
            assertEquals(0, all.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(),
                    "the resumed run left no temporary of its own");
        }
    }

    /** This process's temporary name for {@code target} with the pid swapped: what a killed gan would have left. */
    private static Path killedWritersName(Path target, String me, long dead) {
        Path mine = TempFiles.ofProcess(target);
        return mine.resolveSibling(mine.getFileName().toString().replace(me, "." + dead + "@"));
    }

    /** The pid of a process that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
