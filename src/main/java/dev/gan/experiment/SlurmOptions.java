package dev.gan.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.config.Problems;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code slurm:} section of a sweep plan (with {@code --slurm key=value} on top): what each array task of
 * {@code gan sweep --executor slurm} asks the cluster for. Absent keys leave the choice to the cluster's defaults.
 *
 * @param partition     {@code --partition}, or null for the cluster's default partition
 * @param account       {@code --account}, or null
 * @param time          {@code --time} limit per task, in Slurm's formats (minutes, HH:MM:SS, D-HH:MM), or null
 * @param cpusPerTask   {@code --cpus-per-task}; also the task's OMP_NUM_THREADS
 * @param mem           {@code --mem} per task (e.g. 4G), or null
 * @param gres          {@code --gres} (e.g. gpu:1), or null
 * @param maxRunning    tasks of the array running at once ({@code --array=...%N}), 0 = as many as the cluster gives
 * @param signalBefore  seconds before the time limit at which a task checkpoints its run and requeues itself
 * @param extra         further {@code #SBATCH} options, one per line, e.g. {@code --constraint=avx2}
 * @param setup         shell lines each task runs before training (e.g. {@code module load java/17})
 */
public record SlurmOptions(String partition, String account, String time, int cpusPerTask, String mem, String gres,
                           int maxRunning, int signalBefore, List<String> extra, List<String> setup) {
    static final List<String> KEYS = List.of("partition", "account", "time", "cpus_per_task", "mem", "gres",
            "max_running", "signal_before", "extra", "setup");

    public static SlurmOptions defaults() {
        return new SlurmOptions(null, null, null, 1, null, null, 0, 120, List.of(), List.of());
    }

    /** Reads and checks a {@code slurm:} section (null: the defaults); problems go to {@code problems}. */
    static SlurmOptions read(JsonNode section, Problems problems) {
        SlurmOptions d = defaults();
        if (section == null || section.isNull()) return d;
        if (!section.isObject()) {
            problems.check(false, "slurm", "must be a section of key: value lines, e.g. {partition: gpu, time: 2:00:00}",
                    kind(section));
            return d;
        }
        for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                problems.add("slurm." + key, "unknown key slurm." + key + " (known keys: " + String.join(", ", KEYS) + ")");
            }
        }
        Reader r = new Reader((ObjectNode) section, problems);
        String partition = r.name("partition", "must be a partition name (sinfo lists them)");
        String account = r.name("account", "must be an account name");
        String time = r.text("time");
        problems.check(time == null || time.matches("\\d+(:\\d{1,2}){0,2}|\\d+-\\d{1,2}(:\\d{1,2}){0,2}"),
                "slurm.time", "must be a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS", time);
        int cpus = r.whole("cpus_per_task", d.cpusPerTask(), 1, 4096);
        String mem = r.text("mem");
        problems.check(mem == null || mem.matches("\\d+[KMGT]?"), "slurm.mem",
                "must be a size such as 4G, 4096M or 4096 (megabytes)", mem);
        String gres = r.text("gres");
        problems.check(gres == null || gres.matches("[A-Za-z0-9_:.,/-]+"), "slurm.gres",
                "must be a generic resource list such as gpu:1 or gpu:a100:2", gres);
        int maxRunning = r.whole("max_running", d.maxRunning(), 0, 100_000);
        int signalBefore = r.whole("signal_before", d.signalBefore(), 0, 65535);
        List<String> extra = r.lines("extra");
        for (int i = 0; i < extra.size(); i++) {
            problems.check(extra.get(i).startsWith("-"), "slurm.extra." + i,
                    "must be an sbatch option, e.g. --constraint=avx2 or --qos=long", extra.get(i));
        }
        List<String> setup = r.lines("setup");
        return new SlurmOptions(partition, account, time, cpus, mem, gres, maxRunning, signalBefore, extra, setup);
    }

    /** The {@code #SBATCH} options these settings make (the array, output and requeue lines are the script's). */
    List<String> sbatchOptions() {
        List<String> out = new ArrayList<>();
        if (partition != null) out.add("--partition=" + partition);
        if (account != null) out.add("--account=" + account);
        if (time != null) out.add("--time=" + time);
        out.add("--cpus-per-task=" + cpusPerTask);
        if (mem != null) out.add("--mem=" + mem);
        if (gres != null) out.add("--gres=" + gres);
        out.addAll(extra);
        return out;
    }

    /** Which key a setting of sbatch's came from, to name it when Slurm refuses the job. */
    Map<String, String> settings() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        if (partition != null) m.put("partition", partition);
        if (account != null) m.put("account", account);
        if (time != null) m.put("time", time);
        m.put("cpus_per_task", Integer.toString(cpusPerTask));
        if (mem != null) m.put("mem", mem);
        if (gres != null) m.put("gres", gres);
        return m;
    }

    private static String kind(JsonNode n) {
        return n.isArray() ? "a list" : n.asText();
    }

    /** Typed reads of the section's keys, each problem recorded against {@code slurm.<key>}. */
    private record Reader(ObjectNode section, Problems problems) {
        String text(String key) {
            JsonNode n = section.get(key);
            if (n == null || n.isNull()) return null;
            if (!n.isValueNode()) {
                problems.check(false, "slurm." + key, "must be a single value", n.isArray() ? "a list" : "a section");
                return null;
            }
            String s = n.asText().strip();
            return s.isEmpty() ? null : s;
        }

        String name(String key, String rule) {
            String s = text(key);
            problems.check(s == null || s.matches("[A-Za-z0-9_.+-]+"), "slurm." + key, rule, s);
            return s;
        }

        int whole(String key, int fallback, int min, int max) {
            JsonNode n = section.get(key);
            if (n == null || n.isNull()) return fallback;
            long v = n.isIntegralNumber() ? n.asLong() : n.isTextual() && n.asText().strip().matches("\\d+")
                    ? Long.parseLong(n.asText().strip()) : Long.MIN_VALUE;
            boolean ok = v >= min && v <= max;
            problems.check(ok, "slurm." + key, "must be a whole number from " + min + " to " + max,
                    n.isNumber() ? n.numberValue() : n.isValueNode() ? n.asText() : kind(n));
            return ok ? (int) v : fallback;
        }

        /** A list of one-line strings (a single string is a list of one). */
        List<String> lines(String key) {
            JsonNode n = section.get(key);
            List<String> out = new ArrayList<>();
            if (n == null || n.isNull()) return out;
            if (n.isValueNode()) n = section.arrayNode().add(n);
            if (!n.isArray()) {
                problems.check(false, "slurm." + key, "must be a list of lines", "a section");
                return out;
            }
            for (int i = 0; i < n.size(); i++) {
                JsonNode line = n.get(i);
                boolean ok = line.isValueNode() && !line.isNull() && !line.asText().isBlank()
                        && !line.asText().contains("\n");
                problems.check(ok, "slurm." + key + "." + i, "must be one non-empty line",
                        line.isValueNode() ? line.asText() : "a section");
                if (ok) out.add(line.asText().strip());
            }
            return out;
        }
    }
}
