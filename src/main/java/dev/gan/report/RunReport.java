package dev.gan.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.io.AtomicFiles;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code <run>/report.html}: the story of one run on one page - a header (name, state, step, wall time, engine,
 * backend, the parent of a fine-tuned run, command), interactive curves of the losses, D's outputs, throughput and any evaluation metrics with the
 * health watch's messages marked at their steps, the sample grids as a timeline beside reals.png, and the resolved
 * config. Built only from the run directory's files ({@link RunFacts}), so training and {@code gan report} write the
 * same page; the grids are the run's own PNGs by relative path, so rewriting it costs no image work.
 */
public final class RunReport {
    public static final String FILE = "report.html";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private RunReport() {
    }

    /** Writes (atomically) and returns {@code <root>/report.html}; {@code liveState} as in {@link RunFacts#read}. */
    public static Path write(Path root, String liveState) {
        return write(root, RunFacts.read(root, liveState));
    }

    /** Writes the report of facts already read from {@code root}. */
    public static Path write(Path root, RunFacts facts) {
        Path file = root.resolve(FILE);
        AtomicFiles.writeString(file, html(facts));
        return file;
    }

    static String html(RunFacts f) {
        ObjectNode data = Page.object();
        data.put("kind", "run");
        data.put("name", f.name());
        data.put("state", f.state());
        Page.putMetrics(data, f.metrics());
        ArrayNode events = data.putArray("events");
        for (RunFacts.Event e : f.events()) {
            events.addObject().put("step", e.step()).put("stop", e.stop()).put("message", e.message());
        }
        ArrayNode samples = data.putArray("samples");
        for (long s : f.sampleSteps()) samples.addObject().put("step", s).put("src", sampleSrc(s));

        StringBuilder b = new StringBuilder();
        b.append("<header>\n<h1>").append(Page.esc(f.name())).append(" <span class=\"state state-")
                .append(Page.esc(f.state())).append("\" id=\"state\">").append(Page.esc(f.state())).append("</span></h1>\n");
        b.append("<dl class=\"facts\">\n");
        fact(b, "step", f.totalSteps() > 0 ? String.format(Locale.ROOT, "%,d / %,d (%.0f%%)", f.step(), f.totalSteps(),
                100.0 * f.step() / f.totalSteps()) : String.format(Locale.ROOT, "%,d", f.step()));
        fact(b, "wall time", f.wallSeconds() > 0 ? Page.duration(f.wallSeconds()) : "—");
        fact(b, "engine", f.engine() == null ? "—" : f.engine());
        fact(b, "backend", f.backend() == null ? "—" : f.backend());
        if (f.parent() != null) fact(b, "fine-tuned from", f.parent());
        fact(b, "report written", LocalDateTime.now().format(STAMP));
        b.append("</dl>\n");
        if (f.command() != null) {
            b.append("<pre class=\"command\" id=\"command\">").append(Page.esc(f.command().strip())).append("</pre>\n");
        }
        b.append("</header>\n<main>\n");

        b.append("<section><h2>Training curves</h2>\n<p class=\"hint\">Drag across a chart to zoom, double-click to "
                + "zoom out; hover for the values. Dashed lines mark the health watch's messages at their steps.</p>\n");
        if (f.metrics().getOrDefault("step", new double[0]).length == 0) b.append("<p class=\"empty\">No metrics.csv yet: the first row comes at the first log interval.</p>\n");
        b.append("<div id=\"charts\" class=\"charts\"></div>\n");
        if (!f.events().isEmpty()) {
            b.append("<h3>Health watch</h3>\n<ul id=\"events\" class=\"events\">\n");
            for (RunFacts.Event e : f.events()) {
                b.append("<li class=\"").append(e.stop() ? "stop" : "warning").append("\"><b>step ").append(e.step())
                        .append(e.stop() ? " (stopped)" : "").append(":</b> ").append(Page.esc(e.message())).append("</li>\n");
            }
            b.append("</ul>\n");
        }
        b.append("</section>\n");

        b.append("<section><h2>Samples from the fixed noise</h2>\n");
        if (f.sampleSteps().isEmpty()) {
            b.append("<p class=\"empty\">No sample grids yet.</p>\n");
        } else {
            int last = f.sampleSteps().size() - 1;
            long lastStep = f.sampleSteps().get(last);
            b.append("<div class=\"timeline\"><label for=\"slider\">step <output id=\"slider-step\">").append(lastStep)
                    .append("</output></label> <input type=\"range\" id=\"slider\" min=\"0\" max=\"").append(last)
                    .append("\" value=\"").append(last).append("\" step=\"1\"> <button type=\"button\" id=\"play\">play</button></div>\n");
            b.append("<div class=\"grids\"><figure><img id=\"grid\" src=\"").append(sampleSrc(lastStep))
                    .append("\" alt=\"sample grid\"><figcaption id=\"grid-caption\">").append(sampleSrc(lastStep))
                    .append("</figcaption></figure>\n");
            if (f.reals()) {
                b.append("<figure><img id=\"reals\" src=\"reals.png\" alt=\"real images\"><figcaption>reals.png: "
                        + "training images</figcaption></figure>\n");
            }
            b.append("</div>\n");
        }
        b.append("</section>\n");

        b.append("<section><h2>Resolved config</h2>\n");
        b.append(f.configYaml() == null ? "<p class=\"empty\">No config.yaml.</p>\n"
                : "<pre class=\"config\" id=\"config\">" + Page.esc(f.configYaml()) + "</pre>\n");
        b.append("</section>\n</main>\n");
        return Page.html(f.name() + " - gan report", b.toString(), data);
    }

    private static void fact(StringBuilder b, String name, String value) {
        b.append("<div><dt>").append(Page.esc(name)).append("</dt><dd>").append(Page.esc(value)).append("</dd></div>\n");
    }

    static String sampleSrc(long step) {
        return String.format(Locale.ROOT, "samples/step-%06d.png", step);
    }
}
