package dev.gan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gan.TestRuns;
import dev.gan.system.SystemInfo;
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
 * {@code gan bench}: the machine-readable last line (naming the engine that ran, with the memory slope, the step's
 * FLOPs and the machine's matrix-multiply peak), the same numbers as JSON, per-phase times with --verbose, and no
 * run directory. The peak is measured at its real size (2048^3): about a second at the tests' one thread.
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
                + "backend=linux-x86_64-onednn/fast gflop_step=[0-9]+\\.[0-9]{2} gflop_s=[0-9.]+ "
                + "peak_fp32_gflop_s=[0-9.]+ share_of_peak=[0-9]\\.[0-9]{3} peak_bf16_gflop_s=([0-9.]+|none)"), last);
        assertTrue(lines.get(lines.size() - 2).matches("rate: [0-9.]+ GFLOP per step in [0-9.]+ ms = [0-9.]+ GFLOP/s, "
                + "[0-9.]+% of the fp32 matmul peak [0-9.]+ GFLOP/s \\(2048\\^3, best of 3, 1 thread\\); .*"),
                lines.get(lines.size() - 2));
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
                "--set", "training.engine=dl4j", "--no-peak");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().strip().matches("(?s).* backend=linux-x86_64-onednn/dl4j gflop_step=[0-9.]+ gflop_s=[0-9.]+ "
                + "peak_fp32_gflop_s=n/a share_of_peak=n/a peak_bf16_gflop_s=n/a"), r.out());
        assertTrue(r.out().contains("; matrix-multiply peak not measured (--no-peak)"), r.out());
        assertTrue(r.out().contains("phases (mean per step): G forward"), r.out());
    }

    @Test
    void jsonCarriesTheRateAndThePeaks() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "tinybench", "");
        TestRuns.Result r = gan("bench", "--config", cfg.toString(), "--steps", "2", "--warmup", "1", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        double gflopStep = j.get("gflop_step").asDouble(), gflopS = j.get("gflop_s").asDouble();
        double peak = j.get("peak_fp32_gflop_s").asDouble();
        assertTrue(gflopStep > 0 && peak > 0, j.toString());
        assertEquals(gflopStep / j.get("median_ms").asDouble() * 1000, gflopS, 1e-9 * gflopS);
        assertEquals(gflopS / peak, j.get("share_of_peak").asDouble(), 1e-12);
        // bf16 is measured exactly where the CPU has bf16 arithmetic
        boolean bf16 = !SystemInfo.bf16(SystemInfo.cpuIsa()).isEmpty();
        assertEquals(bf16, j.get("peak_bf16_gflop_s").isNumber(), j.toString());
        assertEquals(!bf16, j.get("peak_bf16_gflop_s").isNull(), j.toString());

        // the last line on standard error says the same, rounded
        String last = r.err().lines().filter(l -> l.startsWith("bench tinybench: ")).findFirst().orElseThrow();
        assertTrue(last.contains(String.format(java.util.Locale.ROOT, " gflop_step=%.2f gflop_s=%.1f "
                + "peak_fp32_gflop_s=%.1f share_of_peak=%.3f peak_bf16_gflop_s=", gflopStep, gflopS, peak,
                gflopS / peak)), last);
        assertTrue(last.endsWith(bf16 ? String.format(java.util.Locale.ROOT, "%.1f",
                j.get("peak_bf16_gflop_s").asDouble()) : "none"), last);
    }

    @Test
    void badStepsIsAUsageError() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "tinybench", "");
        TestRuns.Result r = gan("bench", "--config", cfg.toString(), "--steps", "0");
        assertEquals(2, r.exit());
        assertEquals("gan bench: --steps must be >= 1 and --warmup >= 0 (got 0, 10)", r.err().strip());
    }
}
