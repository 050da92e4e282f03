package dev.gan.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol (a WebSocket, java.net.http): open a page, evaluate
 * script in it, collect its errors, take a screenshot. No driver binary and no library: the protocol is JSON messages,
 * and this speaks the handful the report tests need. Debian's {@code chromium} package provides the browser; on CI
 * ({@code CI=true}) a missing browser fails the test, elsewhere it skips it with a message.
 */
final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_S = 60;
    private final Process process;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private String session;

    private Chromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** The browser: $GAN_CHROMIUM, or chromium / chromium-browser / google-chrome on the PATH. */
    static Path find() {
        String env = System.getenv("GAN_CHROMIUM");
        if (env != null && !env.isBlank()) return Files.isExecutable(Path.of(env)) ? Path.of(env) : null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    /** The browser, or the test skipped (failed on CI: {@code CI=true}) when there is none. Call it first. */
    static Path require() {
        Path exe = find();
        if (exe == null) {
            String why = "no Chromium found (install Debian's chromium package, or set GAN_CHROMIUM)";
            if ("true".equals(System.getenv("CI"))) fail(why + "; on CI the browser test must run: .ci/run installs it");
            Assumptions.abort(why + ": skipping the browser test");
        }
        return exe;
    }

    /** Starts a browser with a fresh profile in {@code profile}; see {@link #require()}. */
    static Chromium start(Path profile) throws Exception {
        Path exe = require();
        // as root Chromium needs --no-sandbox; the network is closed here, so background services are switched off
        // (else they retry refused connections all the time)
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--window-size=1200,900", "about:blank");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        Path log = profile.resolveSibling(profile.getFileName() + "-chromium.log");
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                    int at = line.indexOf("DevTools listening on ");
                    if (at >= 0) endpoint.complete(line.substring(at + "DevTools listening on ".length()).strip());
                }
            } catch (IOException e) {
                endpoint.completeExceptionally(e);
            }
            endpoint.completeExceptionally(new IllegalStateException("Chromium exited; its output is in " + log));
        }, "chromium-output");
        drain.setDaemon(true);
        drain.start();
        String ws;
        try {
            ws = endpoint.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("Chromium did not start: " + e.getMessage(), e);
        }
        Chromium[] self = new Chromium[1];
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(ws), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            String message = text.toString();
                            text.setLength(0);
                            while (self[0] == null) Thread.onSpinWait();
                            self[0].receive(message);
                        }
                        s.request(1);
                        return null;
                    }
                }).get(TIMEOUT_S, TimeUnit.SECONDS);
        Chromium c = new Chromium(p, socket);
        self[0] = c;
        // one page, attached with a flat session: its commands and events carry the session id
        String target = c.browserCall("Target.createTarget", JSON.createObjectNode().put("url", "about:blank"))
                .get("targetId").asText();
        c.session = c.browserCall("Target.attachToTarget", JSON.createObjectNode().put("targetId", target)
                .put("flatten", true)).get("sessionId").asText();
        c.call("Runtime.enable", null);
        c.call("Page.enable", null);
        c.call("Log.enable", null);
        return c;
    }

    private void receive(String message) {
        try {
            JsonNode n = JSON.readTree(message);
            if (n.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(n.get("id").asInt());
                if (f == null) return;
                if (n.has("error")) f.completeExceptionally(new IllegalStateException(n.get("error").toString()));
                else f.complete(n.get("result"));
            } else {
                synchronized (events) {
                    events.add(n);
                    events.notifyAll();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode browserCall(String method, ObjectNode params) throws Exception {
        return send(method, params, null);
    }

    /** A command to the page; its result. */
    JsonNode call(String method, ObjectNode params) throws Exception {
        return send(method, params, session);
    }

    private JsonNode send(String method, ObjectNode params, String sessionId) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) msg.set("params", params);
        if (sessionId != null) msg.put("sessionId", sessionId);
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText(JSON.writeValueAsString(msg), true).get(TIMEOUT_S, TimeUnit.SECONDS);
        return f.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** Opens a file in the page and waits for its load event (scripts run, images loaded or failed). */
    void open(Path file) throws Exception {
        int seen;
        synchronized (events) {
            seen = events.size();
        }
        call("Page.navigate", JSON.createObjectNode().put("url", file.toAbsolutePath().toUri().toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        synchronized (events) {
            while (events.subList(seen, events.size()).stream()
                    .noneMatch(e -> "Page.loadEventFired".equals(e.path("method").asText()))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) throw new IllegalStateException("no load event for " + file);
                events.wait(left);
            }
        }
    }

    /** The value of a JavaScript expression (awaited if it is a promise); a thrown error fails the test. */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) fail("script error in " + expression + ": " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /**
     * What went wrong in the page so far: uncaught exceptions, console.error calls, and browser log errors
     * (a file that does not load, e.g. a missing image).
     */
    List<String> errors() {
        List<String> out = new ArrayList<>();
        synchronized (events) {
            for (JsonNode e : events) {
                String m = e.path("method").asText();
                JsonNode p = e.path("params");
                if (m.equals("Runtime.exceptionThrown")) out.add("exception: " + p.path("exceptionDetails"));
                if (m.equals("Runtime.consoleAPICalled") && p.path("type").asText().equals("error")) {
                    out.add("console.error: " + p.path("args"));
                }
                if (m.equals("Log.entryAdded") && p.path("entry").path("level").asText().equals("error")) {
                    out.add("log: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
                }
            }
        }
        return out;
    }

    /** A PNG of the whole page (not just the window) at {@code width} CSS pixels. */
    void screenshot(Path png, int width) throws Exception {
        JsonNode metrics = call("Page.getLayoutMetrics", null);
        int height = (int) Math.ceil(metrics.path("cssContentSize").path("height").asDouble(900));
        call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width)
                .put("height", Math.min(height, 8000)).put("deviceScaleFactor", 1).put("mobile", false));
        JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    @Override
    public void close() throws Exception {
        try {
            // no waiting for the answer: the browser may be gone before it sends one
            socket.sendText("{\"id\":" + ids.incrementAndGet() + ",\"method\":\"Browser.close\"}", true)
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // already gone: the process is ended below either way
        }
        socket.abort();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
