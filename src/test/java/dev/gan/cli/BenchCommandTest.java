package dev.gan.cli;

import dev.gan.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gan bench}: the machine-readable last line (naming the engine that ran, with the memory slope), per-phase
 * times with --verbose, and no run directory.
 */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void lastLineHasTheDocumentedForm() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "tinybench", "");
        TestRuns.Result r = gan("bench", "--config", cfg.toString(), "--steps", "2", "--warmup", "1", "--verbose");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().strip().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("bench tinybench: median_ms=[0-9.]+ img_s=[0-9.]+ spread_ms=[0-9.]+-[0-9.]+ "
                + "peak_rss_mb=[0-9]+ rss_slope_kb_step=-?[0-9]+\\.[0-9] threads=[0-9]+ "
                + "backend=linux-x86_64-onednn/fast"), last);
        assertTrue(r.out().matches("(?s).*memory: peak RSS [0-9]+ MB; RssAnon [0-9.]+ -> [0-9.]+ MB over 2 timed steps, "
                + "slope -?[0-9]+\\.[0-9] KB/step.*"), r.out());
        assertTrue(r.out().contains("phases (mean per step): G forward"), r.out());
        assertTrue(r.out().matches("(?s).*timed step 2: [0-9.]+ ms, RssAnon [0-9.]+ MB.*"), r.out());
        assertTrue(r.out().matches("(?s).*start-up: JVM start to end of the first step [0-9.]+ s.*"), r.out());
        assertFalse(Files.exists(tmp.resolve("runs")), "bench writes no run directory");
    }

    @Test
    void backendNamesTheEngineThatRan() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "tinybench", "");
        TestRuns.Result r = gan("bench", "--config", cfg.toString(), "--steps", "1", "--warmup", "0", "--verbose",
                "--set", "training.engine=dl4j");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().strip().endsWith("backend=linux-x86_64-onednn/dl4j"), r.out());
        assertTrue(r.out().contains("phases (mean per step): G forward"), r.out());
    }

    @Test
    void badStepsIsAUsageError() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "tinybench", "");
        TestRuns.Result r = gan("bench", "--config", cfg.toString(), "--steps", "0");
        assertEquals(2, r.exit());
        assertEquals("gan bench: --steps must be >= 1 and --warmup >= 0 (got 0, 10)", r.err().strip());
    }
}
