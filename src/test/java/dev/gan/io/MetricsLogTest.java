package dev.gan.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run resumed with evaluation switched on adds columns; the rows written before must still be read. */
class MetricsLogTest {
    @TempDir
    Path tmp;

    @Test
    void resumingWithMoreColumnsPadsTheEarlierRows() throws Exception {
        Path file = tmp.resolve("metrics.csv");
        Files.writeString(file, "step,loss_d\n2,0.5\n4,0.25\n6,0.125\n");
        try (MetricsLog log = MetricsLog.open(file, List.of("step", "loss_d", "fid"), 4)) {
            log.append(Map.of("step", 5, "fid", 12.5));
        }
        Map<String, double[]> m = MetricsLog.read(file);
        assertArrayEquals(new double[]{2, 4, 5}, m.get("step"), "rows after the resume step are dropped, none lost");
        assertArrayEquals(new double[]{0.5, 0.25, Double.NaN}, m.get("loss_d"));
        assertArrayEquals(new double[]{Double.NaN, Double.NaN, 12.5}, m.get("fid"));
        assertTrue(Files.readString(file).startsWith("step,loss_d,fid\n2,0.5,\n4,0.25,\n5,,12.5"));
    }
}
