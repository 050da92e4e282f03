package dev.gan.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.UserException;
import dev.gan.io.AtomicFiles;
import dev.gan.io.MetricsLog;
import dev.gan.io.RunLock;
import dev.gan.report.Page;
import dev.gan.report.RunFacts;
import dev.gan.report.RunReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code <sweep>/report.html}: the sweep's runs side by side - a sortable table with each run's overrides, state and
 * final metrics, each run's last sample grid, and every metric's curves overlaid - linking to each run's own
 * report. Built from the sweep folder's files only ({@code sweep.json}, and each run's status and metrics), so that
 * {@code gan report} can write it for any sweep folder, finished, running or older than reports.
 */
public final class SweepReport {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private SweepReport() {
    }

    /** A run of the sweep as the table shows it. */
    private record Run(String name, Map<String, String> overrides, long seed, RunFacts facts, RunStatus status,
                       boolean hasReport) {
    }

    /** True when {@code dir} is a sweep folder (it has {@code sweep.json}). */
    public static boolean isSweep(Path dir) {
        return Files.isRegularFile(dir.resolve(SweepFolder.SWEEP));
    }

    /**
     * Writes {@code <root>/report.html}; with {@code runReports}, first each run's own report (for sweeps run before
     * reports existed; a sweep's runs write their own as they train).
     */
    public static Path write(Path root, boolean runReports) {
        JsonNode sweep;
        try {
            sweep = SweepFolder.JSON.readTree(root.resolve(SweepFolder.SWEEP).toFile());
        } catch (IOException e) {
            throw new UserException(root.resolve(SweepFolder.SWEEP) + ": cannot read the sweep's run list ("
                    + e.getMessage() + "); is this a sweep folder made by gan sweep?");
        }
        List<Run> runs = new ArrayList<>();
        for (JsonNode r : sweep.path("runs")) {
            String name = r.path("run").asText();
            Path dir = root.resolve(name);
            if (runReports && Files.isDirectory(dir) && Files.exists(dir.resolve("log.txt"))) writeRunReport(dir);
            Map<String, String> overrides = new LinkedHashMap<>();
            r.path("overrides").fields().forEachRemaining(e -> overrides.put(e.getKey(), e.getValue().asText()));
            runs.add(new Run(name, overrides, r.path("seed").asLong(), RunFacts.read(dir, null), RunStatus.read(dir),
                    Files.isRegularFile(dir.resolve(RunReport.FILE))));
        }
        Path file = root.resolve(RunReport.FILE);
        AtomicFiles.writeString(file, html(root.getFileName().toString(), sweep.path("plan").asText(), runs));
        return file;
    }

    /** A run's own report, unless a training process holds the run: that one keeps its report up to date. */
    private static void writeRunReport(Path dir) {
        try (RunLock lock = RunLock.tryAcquire(dir, "gan report")) {
            if (lock != null) RunReport.write(dir, (String) null);
        }
    }

    private static String html(String title, String plan, List<Run> runs) {
        Set<String> keys = new LinkedHashSet<>(), metrics = new LinkedHashSet<>();
        for (Run r : runs) {
            keys.addAll(r.overrides().keySet());
            r.facts().metrics().keySet().stream().filter(c -> !MetricsLog.COLUMNS.contains(c)).forEach(metrics::add);
        }
        List<String> finals = new ArrayList<>(SweepSummary.FINAL);
        finals.addAll(metrics);

        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("kind", "sweep");
        data.put("name", title);
        ArrayNode list = data.putArray("runs");
        StringBuilder b = new StringBuilder();
        b.append("<header>\n<h1>Sweep ").append(Page.esc(title)).append("</h1>\n<dl class=\"facts\">\n");
        fact(b, "plan", plan);
        fact(b, "runs", counts(runs));
        fact(b, "report written", LocalDateTime.now().format(STAMP));
        b.append("</dl>\n</header>\n<main>\n<section><h2>Runs</h2>\n<p class=\"hint\">Click a column to sort by it. "
                + "A run's name opens its own report.</p>\n<div class=\"table-wrap\"><table class=\"runs\" id=\"runs\">"
                + "\n<thead><tr><th class=\"text\">run</th><th class=\"text\">state</th>");
        for (String k : keys) b.append("<th class=\"text\">").append(Page.esc(k)).append("</th>");
        b.append("<th>seed</th><th>steps</th><th>wall time</th><th>img/s</th>");
        for (String k : finals) b.append("<th>").append(Page.esc(k)).append("</th>");
        b.append("<th>exit code</th><th>attempts</th></tr></thead>\n<tbody>\n");
        for (Run r : runs) {
            RunFacts f = r.facts();
            b.append("<tr>");
            String link = r.hasReport() ? "<a href=\"" + Page.esc(r.name()) + "/" + RunReport.FILE + "\">"
                    + Page.esc(r.name()) + "</a>" : Page.esc(r.name());
            b.append("<td class=\"text\" data-v=\"").append(Page.esc(r.name())).append("\">").append(link).append("</td>");
            cell(b, f.state(), f.state(), true);
            for (String k : keys) {
                String v = r.overrides().getOrDefault(k, "");
                cell(b, v, v, true);
            }
            cell(b, Long.toString(r.seed()), Long.toString(r.seed()), false);
            cell(b, Long.toString(f.step()), Long.toString(f.step()), false);
            double wall = r.status().wallSeconds() > 0 ? r.status().wallSeconds() : f.wallSeconds();
            number(b, wall, wall > 0 ? Page.duration(wall) : "");
            double imgs = SweepSummary.mean(f.metrics().get("img_per_s"));
            number(b, imgs, Double.isNaN(imgs) ? "" : String.format(Locale.ROOT, "%.0f", imgs));
            ObjectNode run = list.addObject();
            run.put("name", r.name());
            ObjectNode last = run.putObject("final");
            for (String k : finals) {
                double v = SweepSummary.last(f.metrics().get(k));
                number(b, v, Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4g", v));
                if (Double.isNaN(v)) last.putNull(k);
                else last.put(k, v);
            }
            int code = r.status().exitCode();
            cell(b, code < 0 ? "" : Integer.toString(code), code < 0 ? "" : Integer.toString(code), false);
            cell(b, Integer.toString(r.status().attempts()), Integer.toString(r.status().attempts()), false);
            b.append("</tr>\n");
            run.put("state", f.state());
            run.put("report", r.hasReport() ? r.name() + "/" + RunReport.FILE : null);
            Page.putMetrics(run, f.metrics());
        }
        b.append("</tbody></table></div>\n</section>\n");

        b.append("<section><h2>Final sample grids</h2>\n<div class=\"grids sweep-grids\" id=\"final-grids\">\n");
        for (Run r : runs) {
            List<Long> steps = r.facts().sampleSteps();
            if (steps.isEmpty()) continue;
            long s = steps.get(steps.size() - 1);
            String src = r.name() + "/" + String.format(Locale.ROOT, "samples/step-%06d.png", s);
            b.append("<figure><img src=\"").append(Page.esc(src)).append("\" alt=\"").append(Page.esc(r.name()))
                    .append("\"><figcaption>").append(Page.esc(r.name())).append(" (step ").append(s)
                    .append(", ").append(Page.esc(r.facts().state())).append(")</figcaption></figure>\n");
        }
        b.append("</div>\n</section>\n");
        b.append("<section><h2>Curves, all runs</h2>\n<p class=\"hint\">Drag to zoom, double-click to zoom out; click a "
                + "run in a legend to hide it.</p>\n<div id=\"charts\" class=\"charts\"></div>\n</section>\n</main>\n");
        return Page.html("Sweep " + title + " - gan report", b.toString(), data);
    }

    private static void fact(StringBuilder b, String name, String value) {
        b.append("<div><dt>").append(Page.esc(name)).append("</dt><dd>").append(Page.esc(value)).append("</dd></div>\n");
    }

    /** A table cell; {@code sortValue} is what the table sorts by (the shown text may be rounded). */
    private static void cell(StringBuilder b, String sortValue, String shown, boolean text) {
        b.append("<td").append(text ? " class=\"text\"" : "").append(" data-v=\"").append(Page.esc(sortValue))
                .append("\">").append(Page.esc(shown)).append("</td>");
    }

    private static void number(StringBuilder b, double v, String shown) {
        cell(b, Double.isFinite(v) ? Double.toString(v) : "", shown, false);
    }

    private static String counts(List<Run> runs) {
        Map<String, Integer> n = new LinkedHashMap<>();
        for (Run r : runs) n.merge(r.facts().state(), 1, Integer::sum);
        StringBuilder sb = new StringBuilder(runs.size() + (runs.size() == 1 ? " run" : " runs"));
        String sep = ": ";
        for (var e : n.entrySet()) {
            sb.append(sep).append(e.getValue()).append(' ').append(e.getKey());
            sep = ", ";
        }
        return sb.toString();
    }
}
