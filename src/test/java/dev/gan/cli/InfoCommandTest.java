package dev.gan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gan.TestRuns;
import dev.gan.step.fast.Precision;
import dev.gan.system.SystemInfo;
import dev.gan.train.AutoPrecision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gan info} on the CPU build, as text and as JSON. */
class InfoCommandTest {
    @Test
    void textNamesEveryFact() {
        TestRuns.Result r = gan("info");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        List<String> keys = lines.stream().map(l -> l.split("\\s+")[0]).toList();
        assertEquals(List.of("gan", "java", "os", "nd4j", "cpu", "isa", "bf16", "precision", "openmp", "onednn",
                "memory", "gpu"), keys);
        assertTrue(lines.get(0).startsWith("gan          "), lines.get(0));
        assertTrue(lines.get(1).contains(System.getProperty("java.version")), lines.get(1));
        assertEquals("nd4j         nd4j-native, linux-x86_64-onednn", lines.get(3));
        assertTrue(lines.get(4).endsWith(Runtime.getRuntime().availableProcessors() + " cores")
                || lines.get(4).endsWith("1 core"), lines.get(4));
        List<String> bf16 = SystemInfo.bf16(SystemInfo.cpuIsa());
        assertEquals(bf16.isEmpty() ? "bf16         no (needs avx512_bf16 or amx_bf16)"
                : "bf16         yes (" + String.join(", ", bf16) + ")", lines.get(6));
        AutoPrecision auto = AutoPrecision.onThisMachine();
        assertEquals(bf16.isEmpty() ? "precision    auto picks fp32 (this CPU has no bf16 arithmetic: neither "
                        + "avx512_bf16 nor amx_bf16 in /proc/cpuinfo)"
                        : "precision    auto picks " + auto.precision().key() + " (" + auto.why() + ")"
                        + (auto.precision() == Precision.BF16 ? " where the fast engine covers the model, else fp32" : ""),
                lines.get(7));
        assertEquals("onednn       on (DL4J's oneDNN layer helpers, libnd4j's oneDNN ops)", lines.get(9));
        // the test JVM's limits, as surefire sets them in pom.xml (a serial GC reports a little less than -Xmx)
        assertTrue(lines.get(10).matches("memory {7}heap max (2\\.0|1\\.9) GiB \\(-Xmx, GAN_JAVA_OPTS\\), off-heap max "
                + "4\\.0 GiB \\(javacpp\\.maxbytes, GAN_OFFHEAP\\), process max 8\\.0 GiB \\(javacpp\\.maxphysicalbytes, "
                + "GAN_MAXRSS\\), machine \\d+\\.\\d GiB"), lines.get(10));
        assertTrue(lines.get(11).startsWith("gpu          not used: this is the CPU build (mvn -Pcuda builds the CUDA one)"),
                lines.get(11));
    }

    @Test
    void jsonForScripts() throws Exception {
        TestRuns.Result r = gan("info", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("nd4j-native", j.get("nd4j_backend").asText());
        assertEquals("linux-x86_64-onednn", j.get("nd4j_classifier").asText());
        assertEquals("1.0.0-M2.1", j.get("dl4j_version").asText());
        assertEquals(Runtime.getRuntime().availableProcessors(), j.get("cpu").get("cores").asInt());
        assertTrue(j.get("cpu").get("isa").isArray());
        List<String> bf16 = SystemInfo.bf16(SystemInfo.cpuIsa());
        assertEquals(!bf16.isEmpty(), j.get("cpu").get("bf16").asBoolean());
        assertEquals(bf16.size(), j.get("cpu").get("bf16_isa").size());
        AutoPrecision auto = AutoPrecision.onThisMachine();
        assertEquals(auto.precision().key(), j.get("precision_auto").asText());
        assertEquals(auto.why(), j.get("precision_auto_why").asText());
        if (bf16.isEmpty()) assertEquals("fp32", j.get("precision_auto").asText());
        assertEquals(1, j.get("omp_threads").asInt(), "surefire runs the tests with OMP_NUM_THREADS=1");
        assertTrue(j.get("onednn_helpers").asBoolean());
        assertEquals(2L << 30, j.get("memory").get("heap_max_bytes").asLong(), 0.05 * (2L << 30));
        assertEquals(4L << 30, j.get("memory").get("offheap_max_bytes").asLong());
        assertEquals(8L << 30, j.get("memory").get("process_max_bytes").asLong());
        assertTrue(j.get("memory").get("machine_bytes").asLong() > 0);
        assertFalse(j.get("gpu").get("cuda_build").asBoolean());
        assertTrue(j.get("gpu").get("devices").isArray());
    }

    @Test
    void help() {
        TestRuns.Result r = gan("info", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("--json") && r.out().contains("compute"), r.out());
        assertTrue(gan("--help").out().contains("info"));
    }
}
