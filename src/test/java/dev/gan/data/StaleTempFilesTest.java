package dev.gan.data;

import dev.gan.TestRuns;
import dev.gan.system.TempFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pack killed before its rename leaves a temporary named after its pid; the next pack of the same file removes
 * those of dead processes of this host (saying so in one line) and leaves a live writer's and another host's alone.
 */
class StaleTempFilesTest {
    @TempDir
    Path tmp;

    @Test
    void nextPackRemovesTheTemporariesOfDeadWritersOnly() throws Exception {
        Path out = tmp.resolve("fm.packed");
        long dead = deadPid();
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            // this process's own temporary name, with the pid swapped: the format a killed gan would have left
            String mine = TempFiles.beside(out).getFileName().toString();
            String me = "." + ProcessHandle.current().pid() + "@";
            Path deadNew = tmp.resolve(mine.replace(me, "." + dead + "@"));
            Path deadOld = tmp.resolve(".fm.packed." + dead + ".18c0ffee.tmp");      // earlier versions: no host
            Path liveOne = tmp.resolve(mine.replace(me, "." + live.pid() + "@"));
            Path otherHost = tmp.resolve(".fm.packed." + dead + "@elsewhere.1234.tmp");
            for (Path p : new Path[]{deadNew, deadOld, liveOne, otherHost}) Files.write(p, new byte[1000]);

            TestRuns.Result r = gan("data", "pack", PackedDataTest.IDX_IMAGES, "--limit", "20", "--out", out.toString());
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("removed 2 temporary files (0.0 MB) left in " + tmp.toAbsolutePath()
                    + " by a writer that was killed"), r.out());
            assertTrue(Files.notExists(deadNew) && Files.notExists(deadOld), "dead writers' temporaries are gone");
            assertTrue(Files.exists(liveOne), "a live writer's temporary is kept");
            assertTrue(Files.exists(otherHost), "another host's temporary is kept");
            assertEquals(0, gan("data", "info", out.toString(), "--verify").exit());
            try (var left = Files.list(tmp)) {
                assertEquals(2, left.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(),
                        "the pack left no temporary of its own");
            }
        } finally {
            live.destroyForcibly();
        }
    }

    /** The pid of a process that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
