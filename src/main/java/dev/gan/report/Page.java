package dev.gan.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The frame every report page shares: one HTML file with the vendored uPlot (src/main/resources/dev/gan/report/
 * uplot, see its README), the page's own script and styles inline, and the page's data as a JSON block the script
 * reads. Nothing is fetched: a browser opens the file from disk with the network off (file:// pages may not fetch
 * their neighbours, so data cannot live in a side file); images are the run's own PNGs, referenced by relative path.
 */
public final class Page {
    static final ObjectMapper JSON = new ObjectMapper();
    private static volatile String assets;

    private Page() {
    }

    /** A complete page: {@code body} is HTML, {@code data} becomes {@code window.ganReport.data} for the script. */
    public static String html(String title, String body, ObjectNode data) {
        String json;
        try {
            json = JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        // inside <script>, only "</" can end the block early; JSON allows "<\/" for it
        json = json.replace("</", "<\\/");
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta name=\"generator\" content=\"gan\">\n<title>" + esc(title) + "</title>\n"
                + assets() + "</head>\n<body>\n" + body
                + "\n<script type=\"application/json\" id=\"gan-data\">" + json + "</script>\n"
                + "<script>\n" + resource("report.js") + "</script>\n</body>\n</html>\n";
    }

    /** uPlot's script and styles and ours, read once per process: a report is rewritten at every log interval. */
    private static String assets() {
        String a = assets;
        if (a == null) {
            a = "<style>\n" + resource("uplot/uPlot.min.css") + "\n" + resource("report.css") + "</style>\n"
                    + "<script>\n" + resource("uplot/uPlot.iife.min.js") + "\n</script>\n";
            assets = a;
        }
        return a;
    }

    static String resource(String name) {
        try (InputStream in = Page.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource dev/gan/report/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HTML-escapes text for element content and quoted attributes. */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** metrics.csv as the script wants it: column names, and rows with null where a row leaves a column empty. */
    public static void putMetrics(ObjectNode into, Map<String, double[]> metrics) {
        ArrayNode columns = into.putArray("columns");
        metrics.keySet().forEach(columns::add);
        ArrayNode rows = into.putArray("rows");
        int n = metrics.isEmpty() ? 0 : metrics.values().iterator().next().length;
        List<double[]> cols = List.copyOf(metrics.values());
        for (int r = 0; r < n; r++) {
            ArrayNode row = rows.addArray();
            for (double[] c : cols) {
                if (Double.isFinite(c[r])) row.add(c[r]);
                else row.addNull();
            }
        }
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** 75 s -> "1 min 15 s", 4000 s -> "1 h 06 min". */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
    }
}
