package dev.gan.report;

import dev.gan.io.MetricsLog;
import dev.gan.io.RunDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a report says about one run, read back from the files the run directory already holds (log.txt,
 * metrics.csv, config.yaml, command.txt, samples/, a sweep's status.json), so that a report of a run made before
 * reports existed says the same as one written during training.
 *
 * @param name       the run directory's name
 * @param state      running, done, stopped, failed, interrupted, pending, or incomplete (log.txt has no closing
 *                   line: still running in another process, or killed)
 * @param step       last step in metrics.csv (or the newest sample grid, whichever is later)
 * @param totalSteps the run's length from log.txt, 0 when unknown
 * @param wallSeconds wall time of all sessions (first to last log line of each), 0 when unknown
 * @param engine     the engine that ran the step (log.txt's model line), or null
 * @param backend    ND4J's native build and thread count, or null
 * @param command    command.txt: the command lines that made and resumed the run
 * @param configYaml the resolved config.yaml, or null
 * @param metrics    metrics.csv by column, NaN where a row leaves a column empty (empty when there is no file)
 * @param events     health-watch warnings and stops, in log order
 * @param sampleSteps steps that have a sample grid in samples/, ascending
 * @param reals      the run has reals.png
 * @param parent     for a fine-tuned run (training.init_from): the checkpoint it started from and its step; else null
 */
public record RunFacts(String name, String state, long step, long totalSteps, double wallSeconds, String engine,
                       String backend, String command, String configYaml, Map<String, double[]> metrics,
                       List<Event> events, List<Long> sampleSteps, boolean reals, String parent) {

    public static final String RUNNING = "running", DONE = "done", STOPPED = "stopped", FAILED = "failed",
            INCOMPLETE = "incomplete";
    /** A sweep writes this beside a run's files; its state wins over what log.txt suggests. */
    static final String SWEEP_STATUS = "status.json";

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern LOG_LINE = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d)  (.*)$");
    private static final Pattern WARNING = Pattern.compile("^WARNING: step (\\d+): (.*)$");
    private static final Pattern TOTAL = Pattern.compile("^training: (\\d+) steps");
    private static final Pattern SAMPLE = Pattern.compile("step-(\\d+)\\.png");
    /** How log.txt names a fine-tuned run's parent (dev.gan.train.InitFrom). */
    private static final String FINE_TUNED = "fine-tuned from ";
    private static final Pattern STATUS_STATE = Pattern.compile("\"state\"\\s*:\\s*\"([a-z]+)\"");

    /**
     * A health-watch message at a step.
     *
     * @param step    the step it was raised at
     * @param stop    it ended the run (divergence, or watch.stop), rather than warned
     * @param message the message as log.txt has it
     */
    public record Event(long step, boolean stop, String message) {
    }

    /**
     * Reads a run directory. {@code liveState} is the state a training process knows about itself (running, done,
     * stopped, failed); null derives it from the files.
     */
    public static RunFacts read(Path root, String liveState) {
        RunDirectory dir = new RunDirectory(root);
        Path metricsFile = dir.file(RunDirectory.METRICS);
        Map<String, double[]> metrics = new LinkedHashMap<>();
        if (Files.isRegularFile(metricsFile)) {
            try {
                metrics = MetricsLog.read(metricsFile);
            } catch (NumberFormatException e) {
                // a row caught half-written by another process (a sweep reading its runs): shown next time
            }
        }
        List<Long> samples = sampleSteps(dir.samples());
        long step = (long) lastFinite(metrics.get("step"));
        if (!samples.isEmpty()) step = Math.max(step, samples.get(samples.size() - 1));

        List<String> log = lines(dir.file(RunDirectory.LOG));
        List<Event> events = new ArrayList<>();
        long total = 0;
        String engine = null, backend = null, lastSession = "", parent = null;
        double wall = 0;
        LocalDateTime sessionStart = null, previous = null;
        for (String line : log) {
            Matcher m = LOG_LINE.matcher(line);
            if (!m.matches()) continue;   // a wrapped continuation line
            String text = m.group(2);
            LocalDateTime at = time(m.group(1));
            if (text.startsWith("run ") || text.startsWith("resuming ")) {
                if (sessionStart != null && previous != null) wall += seconds(sessionStart, previous);
                sessionStart = at;
                lastSession = "";
            }
            previous = at;
            lastSession += text + "\n";
            Matcher w = WARNING.matcher(text);
            if (w.matches()) events.add(new Event(Long.parseLong(w.group(1)), isStop(w.group(2)), w.group(2)));
            Matcher t = TOTAL.matcher(text);
            if (t.find()) total = Long.parseLong(t.group(1));
            if (parent == null && text.startsWith(FINE_TUNED)) parent = after(text, FINE_TUNED, ": loaded ");
            if (text.startsWith("model: ")) {
                engine = after(text, " engine=", null);
                backend = after(text, "backend=", " engine=");
            }
        }
        if (sessionStart != null && previous != null) wall += seconds(sessionStart, previous);

        String state = liveState != null ? liveState : derivedState(root, lastSession, log.isEmpty());
        return new RunFacts(root.getFileName().toString(), state, step, total, wall, engine, backend,
                text(dir.file(RunDirectory.COMMAND)), text(dir.file(RunDirectory.CONFIG)), metrics, events, samples,
                Files.isRegularFile(dir.file(RunDirectory.REALS)), parent);
    }

    /** The divergence stop and a watch.stop both end the run; every other health message is a warning. */
    static boolean isStop(String message) {
        return message.contains("training diverged") || message.contains("(stopped: watch.stop is true)");
    }

    private static String derivedState(Path root, String lastSession, boolean noLog) {
        Path status = root.resolve(SWEEP_STATUS);
        if (Files.isRegularFile(status)) {
            // read without the experiment package (it sits above this one): the state is one field
            Matcher m = STATUS_STATE.matcher(text(status));
            if (m.find()) {
                if (!m.group(1).equals(RUNNING)) return m.group(1);
                String logged = fromLog(lastSession);   // the child may have ended before the sweep noted it
                return logged.equals(INCOMPLETE) ? RUNNING : logged;
            }
        }
        if (noLog) return "pending";
        return fromLog(lastSession);
    }

    private static String fromLog(String session) {
        if (session.contains("\ndone at step ")) return DONE;
        if (session.contains("\nstopped at step ")) return STOPPED;
        for (String line : session.split("\n")) {
            Matcher w = WARNING.matcher(line);
            if (w.matches() && isStop(w.group(2))) return FAILED;
        }
        return INCOMPLETE;
    }

    /** The text between {@code start} and {@code end} (or the line's end), or null when {@code start} is absent. */
    private static String after(String line, String start, String end) {
        int i = line.indexOf(start);
        if (i < 0) return null;
        int from = i + start.length();
        int to = end == null ? -1 : line.indexOf(end, from);
        return (to < 0 ? line.substring(from) : line.substring(from, to)).strip();
    }

    private static LocalDateTime time(String s) {
        try {
            return LocalDateTime.parse(s, LOG_TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static double seconds(LocalDateTime from, LocalDateTime to) {
        return from == null || to == null ? 0 : Math.max(0, Duration.between(from, to).getSeconds());
    }

    static List<Long> sampleSteps(Path samples) {
        List<Long> steps = new ArrayList<>();
        if (!Files.isDirectory(samples)) return steps;
        try (Stream<Path> s = Files.list(samples)) {
            s.forEach(p -> {
                Matcher m = SAMPLE.matcher(p.getFileName().toString());
                if (m.matches()) steps.add(Long.parseLong(m.group(1)));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        steps.sort(null);
        return steps;
    }

    static double lastFinite(double[] v) {
        if (v == null) return 0;
        for (int i = v.length - 1; i >= 0; i--) if (Double.isFinite(v[i])) return v[i];
        return 0;
    }

    private static List<String> lines(Path file) {
        String t = text(file);
        return t == null ? List.of() : t.lines().toList();
    }

    private static String text(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
