package dev.gan.experiment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.io.AtomicFiles;
import dev.gan.io.MetricsLog;
import dev.gan.io.RunDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The table of a sweep, one row per run, rebuilt from what is on disk (each run's {@code status.json} and
 * {@code metrics.csv}): {@code summary.csv} for scripts and spreadsheets, {@code summary.md} to read, JSON for
 * {@code --json}. Any metrics.csv column beyond the training ones (an evaluation's {@code fid}, say) becomes a
 * column too, with the run's last value of it.
 */
public final class SweepSummary {
    /** Training columns whose final value is shown (the losses and D's outputs at the last logged step). */
    static final List<String> FINAL = List.of("loss_d", "loss_g", "d_x", "d_g_z");

    /**
     * One run in the table.
     *
     * @param run     what the plan made
     * @param status  its status.json
     * @param steps   last step in metrics.csv (0 before the first row)
     * @param imgPerS mean images per second over the logged intervals
     * @param values  final losses, then evaluation metrics (NaN when not logged)
     * @param dir     the run directory
     */
    public record Row(PlannedRun run, RunStatus status, long steps, double imgPerS, Map<String, Double> values,
                      Path dir) {
        /** The run's console output (what the training process printed, errors included). */
        public Path log() {
            return dir.resolve(TrainProcess.CONSOLE);
        }

        /** The value of a summary column, for sorting; NaN when the run has none. */
        double value(String column) {
            return switch (column) {
                case "steps" -> steps;
                case "wall_s" -> status.wallSeconds();
                case "img_per_s" -> imgPerS;
                case "seed" -> run.seed();
                default -> values.getOrDefault(column, Double.NaN);
            };
        }
    }

    private final SweepPlan plan;
    private final SweepFolder folder;
    private final List<Row> rows;
    private final List<String> metrics;

    private SweepSummary(SweepPlan plan, SweepFolder folder, List<Row> rows, List<String> metrics) {
        this.plan = plan;
        this.folder = folder;
        this.rows = rows;
        this.metrics = metrics;
    }

    /** Reads every run's status and metrics, sorted by the plan's {@code sort_by} (runs without it last). */
    public static SweepSummary collect(SweepPlan plan, SweepFolder folder) {
        List<Row> rows = new ArrayList<>();
        Set<String> metrics = new LinkedHashSet<>();
        for (PlannedRun run : plan.runs()) {
            Path dir = folder.runDir(run);
            Path file = dir.resolve(RunDirectory.METRICS);
            Map<String, double[]> m = Files.isRegularFile(file) ? MetricsLog.read(file) : Map.of();
            Map<String, Double> values = new LinkedHashMap<>();
            for (String c : FINAL) values.put(c, last(m.get(c)));
            m.forEach((column, v) -> {
                if (!MetricsLog.COLUMNS.contains(column)) {
                    metrics.add(column);
                    values.put(column, last(v));
                }
            });
            double steps = last(m.get("step"));
            rows.add(new Row(run, RunStatus.read(dir), Double.isNaN(steps) ? 0 : (long) steps, mean(m.get("img_per_s")),
                    values, dir));
        }
        if (plan.sortBy() != null) {
            Comparator<Double> order = plan.descending() ? Comparator.reverseOrder() : Comparator.naturalOrder();
            rows.sort(Comparator.comparing((Row r) -> Double.isNaN(r.value(plan.sortBy())))
                    .thenComparing(r -> Double.isNaN(r.value(plan.sortBy())) ? 0.0 : r.value(plan.sortBy()), order));
        }
        return new SweepSummary(plan, folder, rows, List.copyOf(metrics));
    }

    /**
     * What to say when a plan ranks its runs by a training loss or by D's outputs: a GAN's losses say nothing about
     * image quality (a winning D gives G a large loss, a collapsed G can have a small one), so such an order teaches
     * the wrong habit. Null for any other order.
     */
    public static String lossOrderNote(SweepPlan plan) {
        if (plan.sortBy() == null || !FINAL.contains(plan.sortBy())) return null;
        return "Note: sorted by " + plan.sortBy() + ", a training value: a GAN's losses do not rank image quality (a "
                + "winning D gives G a large loss, a collapsed G can have a small one); score the runs with "
                + "training.eval_every and a classifier, and sort by fid";
    }

    public List<Row> rows() {
        return rows;
    }

    /** Rows of runs in the given state, in table order. */
    public List<Row> inState(String state) {
        return rows.stream().filter(r -> r.status().state().equals(state)
                || (state.equals(RunStatus.INTERRUPTED) && r.status().state().equals(RunStatus.RUNNING))).toList();
    }

    /** The last finite value of a metrics.csv column, NaN when there is none (also the sweep report's). */
    static double last(double[] v) {
        if (v == null) return Double.NaN;
        for (int i = v.length - 1; i >= 0; i--) if (Double.isFinite(v[i])) return v[i];
        return Double.NaN;
    }

    /** The mean of a column's finite values, NaN when there are none. */
    static double mean(double[] v) {
        if (v == null) return Double.NaN;
        double sum = 0;
        int n = 0;
        for (double x : v) {
            if (Double.isFinite(x)) {
                sum += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The keys any run overrides, in plan order: one column each. */
    private List<String> overrideKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (PlannedRun r : plan.runs()) keys.addAll(r.overrides().keySet());
        return List.copyOf(keys);
    }

    private List<String> header() {
        List<String> h = new ArrayList<>(List.of("run", "status"));
        h.addAll(overrideKeys());
        h.addAll(List.of("seed", "steps", "wall_s", "img_per_s"));
        h.addAll(FINAL);
        h.addAll(metrics);
        h.addAll(List.of("exit_code", "attempts", "log"));
        return h;
    }

    private List<String> cells(Row r, String format) {
        List<String> c = new ArrayList<>(List.of(r.run().name(), r.status().state()));
        for (String k : overrideKeys()) c.add(r.run().overrides().getOrDefault(k, ""));
        c.add(Long.toString(r.run().seed()));
        c.add(Long.toString(r.steps()));
        c.add(number("%.1f", r.status().wallSeconds()));
        c.add(number("%.1f", r.imgPerS()));
        for (String k : FINAL) c.add(number(format, r.values().get(k)));
        for (String k : metrics) c.add(number(format, r.values().getOrDefault(k, Double.NaN)));
        c.add(r.status().exitCode() < 0 ? "" : Integer.toString(r.status().exitCode()));
        c.add(Integer.toString(r.status().attempts()));
        c.add(folder.root().relativize(r.log()).toString());
        return c;
    }

    private static String number(String format, double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }

    /** Writes summary.csv, summary.md and report.html into the sweep folder (atomically: a reader never sees half a table). */
    public void write() {
        StringBuilder csv = new StringBuilder(String.join(",", header())).append('\n');
        for (Row r : rows) csv.append(String.join(",", cells(r, "%.6g").stream().map(SweepSummary::csvCell).toList())).append('\n');
        AtomicFiles.writeString(folder.file(SweepFolder.SUMMARY_CSV), csv.toString());
        AtomicFiles.writeString(folder.file(SweepFolder.SUMMARY_MD), markdown());
        SweepReport.write(folder.root(), false);   // each run writes its own report as it trains
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private String markdown() {
        StringBuilder md = new StringBuilder("# Sweep " + folder.root().getFileName() + "\n\n");
        md.append("Plan `").append(plan.file()).append("`: ").append(counts()).append(". ");
        md.append(plan.sortBy() == null ? "Runs in plan order."
                : "Sorted by " + plan.sortBy() + (plan.descending() ? ", largest first." : ", smallest first."));
        md.append("\n\n");
        if (lossOrderNote(plan) != null) md.append(lossOrderNote(plan)).append(".\n\n");
        List<String> h = header();
        md.append("| ").append(String.join(" | ", h)).append(" |\n|");
        md.append(" --- |".repeat(h.size())).append('\n');
        for (Row r : rows) md.append("| ").append(String.join(" | ", cells(r, "%.4g"))).append(" |\n");
        return md.toString();
    }

    /** "4 runs: 3 done, 1 failed". */
    public String counts() {
        Map<String, Integer> n = new LinkedHashMap<>();
        for (Row r : rows) {
            String s = r.status().state().equals(RunStatus.RUNNING) ? RunStatus.INTERRUPTED : r.status().state();
            n.merge(s, 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder(rows.size() + (rows.size() == 1 ? " run" : " runs"));
        String sep = ": ";
        for (String s : List.of(RunStatus.DONE, RunStatus.FAILED, RunStatus.INTERRUPTED, RunStatus.PENDING)) {
            if (n.containsKey(s)) {
                sb.append(sep).append(n.get(s)).append(' ').append(s);
                sep = ", ";
            }
        }
        return sb.toString();
    }

    /** The summary for {@code --json}: the sweep folder, the plan, and the rows in table order. */
    public ObjectNode json() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("sweep", folder.root().toString());
        root.put("plan", plan.file().toString());
        if (plan.sortBy() == null) root.putNull("sort_by");
        else root.put("sort_by", plan.sortBy());
        if (lossOrderNote(plan) != null) root.put("note", lossOrderNote(plan));
        var runs = root.putArray("runs");
        for (Row r : rows) {
            ObjectNode n = r.run().describe(runs.addObject());
            n.put("status", r.status().state());
            n.put("steps", r.steps());
            n.put("wall_s", r.status().wallSeconds());
            put(n, "img_per_s", r.imgPerS());
            for (String k : FINAL) put(n, k, r.values().get(k));
            ObjectNode m = n.putObject("metrics");
            for (String k : metrics) put(m, k, r.values().getOrDefault(k, Double.NaN));
            if (r.status().exitCode() < 0) n.putNull("exit_code");
            else n.put("exit_code", r.status().exitCode());
            n.put("attempts", r.status().attempts());
            n.put("dir", r.dir().toString());
            n.put("log", r.log().toString());
        }
        return root;
    }

    /** The runs a plan makes, for {@code --dry-run --json}. */
    public static ObjectNode plannedJson(SweepPlan plan) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("name", plan.name());
        root.put("plan", plan.file().toString());
        var runs = root.putArray("runs");
        for (PlannedRun r : plan.runs()) r.describe(runs.addObject());
        return root;
    }

    private static void put(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) n.put(key, v);
        else n.putNull(key);
    }
}
