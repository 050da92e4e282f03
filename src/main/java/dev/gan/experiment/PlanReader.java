package dev.gan.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ConfigTree;
import dev.gan.config.ExperimentConfig;
import dev.gan.config.Origins;
import dev.gan.config.Problems;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a sweep plan (YAML or JSON) through the config funnel and expands it into runs: {@code runs:} entries x the
 * {@code grid:} cross product x {@code seeds:}, each on top of the base config and the common {@code set:} keys.
 * Every run's merged config is bound and validated here, before anything is created; a bad value is reported with
 * the plan line it came from and the runs it spoils.
 */
public final class PlanReader {
    static final List<String> KEYS = List.of("name", "base", "set", "grid", "runs", "seeds", "sort_by", "sort_order",
            "sweeps_dir", "slurm");
    /** More runs than this is a typo in a grid rather than an experiment a 2-core machine would finish. */
    static final int MAX_RUNS = 1000;

    /** One key the plan sets: its config key path, its value, and where in the plan it is (for the line). */
    record Setting(String key, JsonNode value, String planPath) {
    }

    private final Path file;
    private final ConfigTree plan;
    private final ObjectNode root;
    private final Origins at;
    private final Problems problems;

    private PlanReader(Path file, ConfigTree plan) {
        this.file = file;
        this.plan = plan;
        this.root = plan.root();
        this.at = plan.origins();
        this.problems = new Problems(at);
    }

    /** Reads, expands and validates a plan; every problem is a {@link UserException} (exit code 2). */
    public static SweepPlan read(Path file) {
        return read(file, List.of());
    }

    /**
     * {@link #read(Path)} with {@code --slurm key=value} overrides of the plan's {@code slurm:} section, checked
     * exactly like the plan's own keys (messages then name the flag).
     */
    public static SweepPlan read(Path file, List<String> slurmSets) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + ": no such plan file; give a sweep plan, e.g. --plan configs/sweeps/lr-beta.yaml");
        }
        ConfigTree tree = ConfigTree.read(file);
        for (String set : slurmSets) {
            int eq = set.indexOf('=');
            String key = eq < 0 ? "" : set.substring(0, eq).strip();
            if (!key.matches("[a-z_]+")) {
                throw new UserException("--slurm " + set + ": expected key=value, e.g. --slurm partition=gpu (keys: "
                        + String.join(", ", SlurmOptions.KEYS) + ")");
            }
            tree.set("slurm." + key, TextNode.valueOf(set.substring(eq + 1)), "--slurm " + set);
        }
        return new PlanReader(file, tree).expand();
    }

    private SweepPlan expand() {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) problems.add(key, "unknown key " + key + " (known keys: " + String.join(", ", KEYS) + ")");
        }
        String name = text("name", null);
        if (name == null) {
            problems.add("name", "name is required: it names the sweep folder <sweeps_dir>/<name>-NNN");
        } else {
            problems.check(name.matches("[A-Za-z0-9._-]+"), "name",
                    "must be letters, digits, '.', '_' or '-' (it names the sweep folder)", name);
        }
        String sweepsDir = text("sweeps_dir", "sweeps");
        problems.check(sweepsDir != null && !sweepsDir.isBlank(), "sweeps_dir", "must name a folder", sweepsDir);
        String sortBy = text("sort_by", null);
        problems.check(sortBy == null || sortBy.matches("[A-Za-z0-9_]+"), "sort_by",
                "must be a column of the summary, e.g. loss_g or fid", sortBy);
        String order = text("sort_order", "asc");
        problems.check("asc".equals(order) || "desc".equals(order), "sort_order",
                "must be asc (smallest first) or desc", order);
        SlurmOptions slurm = SlurmOptions.read(root.get("slurm"), problems);
        ConfigTree base = base();
        List<Setting> common = singles(root.get("set"), "set");
        // each axis is a list of options, each option a bundle of settings that go together (a runs: entry)
        List<List<List<Setting>>> axes = new ArrayList<>();
        List<List<Setting>> entries = runsEntries();
        if (!entries.isEmpty()) axes.add(entries);
        Map<String, String> gridKeys = new LinkedHashMap<>();
        for (Setting axis : grid()) {
            List<List<Setting>> options = new ArrayList<>();
            for (int i = 0; i < axis.value().size(); i++) {
                options.add(List.of(new Setting(axis.key(), axis.value().get(i), axis.planPath() + "." + i)));
            }
            gridKeys.put(axis.key(), axis.planPath());
            axes.add(options);
        }
        List<Setting> seeds = seeds();
        if (!seeds.isEmpty()) axes.add(seeds.stream().map(List::of).toList());
        checkOverlaps(common, entries, gridKeys, !seeds.isEmpty());
        long count = 1;
        for (List<List<Setting>> axis : axes) count *= axis.size();
        if (count > MAX_RUNS) {
            problems.add(entries.isEmpty() ? "grid" : "runs", "the plan makes " + count + " runs; a sweep takes at most "
                    + MAX_RUNS + ": split it, or shorten the grid's lists");
        }
        problems.throwIfAny();
        return new SweepPlan(file, name, Path.of(sweepsDir), runs(base, common, axes), sortBy, "desc".equals(order),
                slurm);
    }

    /** The cross product of the axes (the first axis varies slowest), each point merged and validated. */
    private List<PlannedRun> runs(ConfigTree base, List<Setting> common, List<List<List<Setting>>> axes) {
        List<List<Setting>> grown = List.of(List.of());
        for (List<List<Setting>> axis : axes) {
            List<List<Setting>> next = new ArrayList<>();
            for (List<Setting> point : grown) {
                for (List<Setting> option : axis) {
                    List<Setting> merged = new ArrayList<>(point);
                    merged.addAll(option);
                    next.add(merged);
                }
            }
            grown = next;
        }
        List<List<Setting>> points = grown;
        Set<String> leaves = PlanValues.ambiguousLeaves(points);
        List<PlannedRun> runs = new ArrayList<>();
        Map<String, List<String>> failures = new LinkedHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            List<Setting> point = points.get(i);
            String runName = PlanValues.runName(i + 1, point, leaves);
            ConfigTree tree = base.copy();
            Map<String, String> overrides = new LinkedHashMap<>();
            try {
                for (Setting s : common) tree.set(s.key(), s.value(), at.describe(s.planPath()));
                for (Setting s : point) {
                    tree.set(s.key(), s.value(), at.describe(s.planPath()));
                    if (!s.key().equals("seed")) overrides.put(s.key(), PlanValues.display(s.value()));
                }
                ExperimentConfig cfg = ConfigLoader.bind(tree).withName(runName);
                runs.add(new PlannedRun(i + 1, runName, overrides, cfg.seed(), cfg));
            } catch (UserException e) {
                e.getMessage().lines().forEach(line -> failures.computeIfAbsent(line, k -> new ArrayList<>()).add(runName));
            }
        }
        if (!failures.isEmpty()) {
            List<String> lines = new ArrayList<>();
            failures.forEach((line, names) -> lines.add(line + " (in " + PlanValues.runList(names, points.size()) + ")"));
            throw new UserException(String.join("\n", lines));
        }
        return runs;
    }

    private String text(String key, String fallback) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return fallback;
        if (!n.isValueNode()) {
            problems.check(false, key, "must be a single value", PlanValues.shown(n));
            return fallback;
        }
        return n.asText();
    }

    private ConfigTree base() {
        JsonNode n = root.get("base");
        if (n == null || n.isNull()) {
            problems.add("base", "base is required: the path of a config file (relative to the plan's folder), or a "
                    + "section of config keys");
            return null;
        }
        if (n.isObject()) return plan.section("base");
        if (!n.isTextual()) {
            problems.check(false, "base", "must be the path of a config file or a section of config keys", PlanValues.shown(n));
            return null;
        }
        Path dir = file.getParent();
        Path config = (dir == null ? Path.of(n.asText()) : dir.resolve(n.asText())).normalize();
        if (!Files.isRegularFile(config)) {
            problems.add("base", "base names no file: " + config + " (a relative path is taken from the plan's folder)");
            return null;
        }
        return ConfigTree.read(config);
    }

    /** Key -> value settings of a section, nested sections flattened to dotted keys. */
    private List<Setting> singles(JsonNode section, String planPath) {
        List<Setting> out = new ArrayList<>();
        if (section == null || section.isNull()) return out;
        if (!section.isObject()) {
            problems.check(false, planPath, "must be a section of key: value lines", PlanValues.shown(section));
            return out;
        }
        flatten(section, "", planPath, out);
        for (Setting s : out) {
            if (!s.value().isValueNode()) {
                problems.check(false, s.planPath(), "must be a single value; to try several values put the key under grid:",
                        PlanValues.shown(s.value()));
            }
        }
        return out;
    }

    private void flatten(JsonNode section, String keyPrefix, String planPrefix, List<Setting> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = keyPrefix.isEmpty() ? e.getKey() : keyPrefix + "." + e.getKey();
            String planPath = planPrefix + "." + e.getKey();
            if (!ConfigTree.isKeyPath(key)) {
                problems.add(planPath, planPath + ": \"" + key + "\" is not a config key path such as training.g.lr");
            } else if (e.getValue().isObject()) {
                flatten(e.getValue(), key, planPath, out);
            } else {
                out.add(new Setting(key, e.getValue(), planPath));
            }
        }
    }

    /** The grid's axes: each a setting whose value is the non-empty list of values to try. */
    private List<Setting> grid() {
        List<Setting> axes = new ArrayList<>();
        JsonNode grid = root.get("grid");
        if (grid == null || grid.isNull()) return axes;
        if (!grid.isObject()) {
            problems.check(false, "grid", "must be a section of key: [values] lines", PlanValues.shown(grid));
            return axes;
        }
        List<Setting> flat = new ArrayList<>();
        flatten(grid, "", "grid", flat);
        for (Setting s : flat) {
            if (!s.value().isArray() || s.value().isEmpty()) {
                problems.check(false, s.planPath(), "must be a non-empty list of values, e.g. [1.0e-4, 2.0e-4]",
                        s.value().isArray() ? "[]" : PlanValues.shown(s.value()));
                continue;
            }
            for (int i = 0; i < s.value().size(); i++) {
                if (!s.value().get(i).isValueNode()) {
                    problems.check(false, s.planPath() + "." + i, "must be a single value", PlanValues.shown(s.value().get(i)));
                }
            }
            axes.add(s);
        }
        return axes;
    }

    private List<List<Setting>> runsEntries() {
        List<List<Setting>> entries = new ArrayList<>();
        JsonNode runs = root.get("runs");
        if (runs == null || runs.isNull()) return entries;
        if (!runs.isArray() || runs.isEmpty()) {
            problems.check(false, "runs", "must be a non-empty list of sections of key: value lines",
                    runs.isArray() ? "[]" : PlanValues.shown(runs));
            return entries;
        }
        for (int i = 0; i < runs.size(); i++) {
            JsonNode entry = runs.get(i);
            if (!entry.isObject() || entry.isEmpty()) {
                problems.check(false, "runs." + i, "must be a section of key: value lines, e.g. {training.g.lr: 1.0e-4}",
                        entry.isObject() ? "{}" : PlanValues.shown(entry));
                continue;
            }
            entries.add(singles(entry, "runs." + i));
        }
        return entries;
    }

    private List<Setting> seeds() {
        List<Setting> out = new ArrayList<>();
        JsonNode seeds = root.get("seeds");
        if (seeds == null || seeds.isNull()) return out;
        if (!seeds.isArray() || seeds.isEmpty()) {
            problems.check(false, "seeds", "must be a non-empty list of whole numbers, e.g. [1, 2, 3]",
                    seeds.isArray() ? "[]" : PlanValues.shown(seeds));
            return out;
        }
        Set<Long> seen = new LinkedHashSet<>();
        for (int i = 0; i < seeds.size(); i++) {
            JsonNode s = seeds.get(i);
            String path = "seeds." + i;
            if (!s.isIntegralNumber()) {
                problems.check(false, path, "must be a whole number", PlanValues.shown(s));
            } else if (!seen.add(s.asLong())) {
                problems.check(false, path, "appears twice in seeds", s.asLong());
            } else {
                out.add(new Setting("seed", s, path));
            }
        }
        return out;
    }

    private void checkOverlaps(List<Setting> common, List<List<Setting>> entries, Map<String, String> gridKeys,
                               boolean seeds) {
        for (List<Setting> entry : entries) {
            for (Setting s : entry) {
                if (gridKeys.containsKey(s.key())) {
                    problems.add(s.planPath(), s.key() + " is also under grid: (" + at.describe(gridKeys.get(s.key()))
                            + "); vary a key in grid: or in runs:, not both");
                }
            }
        }
        if (!seeds) return;
        List<Setting> all = new ArrayList<>(common);
        entries.forEach(all::addAll);
        gridKeys.forEach((k, p) -> all.add(new Setting(k, null, p)));
        for (Setting s : all) {
            if (s.key().equals("seed")) {
                problems.add(s.planPath(), s.planPath() + " sets seed, which seeds: already varies; keep one of them");
            }
        }
    }
}
