package dev.gan.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code metrics.csv}: one row per log interval, the first column the step. Rows are flushed as they are written.
 * Columns can grow (evaluation adds its own); a row that lacks a column leaves it empty.
 */
public final class MetricsLog implements AutoCloseable {
    /** The columns every training run writes, in this order; evaluation's and {@link #AUGMENT_P} come after. */
    public static final List<String> COLUMNS = List.of("step", "epoch", "loss_d", "loss_g", "d_x", "d_g_z",
            "sec_per_step", "img_per_s", "elapsed_s");
    /** The augmentation probability's column, after every other one. */
    public static final String AUGMENT_P = "augment_p";
    private final Path file;
    private final List<String> columns;
    private BufferedWriter out;

    private MetricsLog(Path file, List<String> columns) {
        this.file = file;
        this.columns = columns;
    }

    /**
     * Opens the log for a run that has completed {@code resumeStep} steps: rows after that step (written by the
     * attempt that is being resumed, and about to be redone) are dropped, so no step appears twice.
     */
    public static MetricsLog open(Path file, List<String> columns, long resumeStep) {
        MetricsLog log = new MetricsLog(file, new ArrayList<>(columns));
        try {
            if (Files.exists(file)) {
                List<String> kept = new ArrayList<>();
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 1; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.isBlank()) continue;
                    String first = line.substring(0, Math.max(0, line.indexOf(',')));
                    try {
                        // rows written with fewer columns (evaluation switched on at resume) are padded
                        int missing = log.columns.size() - line.split(",", -1).length;
                        if (Long.parseLong(first) <= resumeStep) kept.add(line + ",".repeat(Math.max(0, missing)));
                    } catch (NumberFormatException e) {
                        // a torn last line from a crash: drop it
                    }
                }
                String header = String.join(",", log.columns);
                AtomicFiles.writeString(file, header + "\n" + (kept.isEmpty() ? "" : String.join("\n", kept) + "\n"));
            } else {
                AtomicFiles.writeString(file, String.join(",", log.columns) + "\n");
            }
            log.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return log;
    }

    public List<String> columns() {
        return List.copyOf(columns);
    }

    /** Appends a row; values for unknown columns are ignored, missing ones written empty. */
    public synchronized void append(Map<String, ? extends Number> row) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) sb.append(',');
            Number v = row.get(columns.get(i));
            if (v != null) sb.append(format(v));
        }
        try {
            out.write(sb.append('\n').toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String format(Number v) {
        if (v instanceof Long || v instanceof Integer) return v.toString();
        double d = v.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) return Double.toString(d);
        return String.format(Locale.ROOT, "%.6g", d);
    }

    /** Reads a metrics file into column -> values (NaN where a row left a column empty). */
    public static Map<String, double[]> read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            Map<String, double[]> out = new LinkedHashMap<>();
            if (lines.isEmpty()) return out;
            String[] header = lines.get(0).split(",", -1);
            List<String[]> rows = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                String[] cells = lines.get(i).split(",", -1);
                if (cells.length == header.length) rows.add(cells);
            }
            for (int c = 0; c < header.length; c++) {
                double[] col = new double[rows.size()];
                for (int r = 0; r < rows.size(); r++) {
                    String cell = rows.get(r)[c];
                    col[r] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
                }
                out.put(header[c], col);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            if (out != null) out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
