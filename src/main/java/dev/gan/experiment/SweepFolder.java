package dev.gan.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.config.ConfigLoader;
import dev.gan.io.AtomicFiles;
import dev.gan.io.RunDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder of one sweep, {@code <sweeps_dir>/<name>-NNN/}: {@code sweep.json} (the expanded runs with their
 * resolved configs), a copy of the plan, the summary files, and one ordinary run directory per run holding its
 * {@code config.yaml} and {@code status.json}.
 *
 * <p>Running the same plan again finds the newest folder whose {@code sweep.json} lists exactly the runs the plan
 * makes now (names, overrides and resolved configs): a plan whose runs changed - or whose base config changed -
 * starts a new folder rather than mixing results of two experiments.
 */
public record SweepFolder(Path root) {
    public static final String SWEEP = "sweep.json", SUMMARY_CSV = "summary.csv", SUMMARY_MD = "summary.md";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The newest existing folder of this very plan, or null. */
    public static SweepFolder find(SweepPlan plan) {
        Path dir = plan.sweepsDir();
        if (!Files.isDirectory(dir)) return null;
        Pattern numbered = Pattern.compile(Pattern.quote(plan.name()) + "-(\\d+)");
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> numbered.matcher(p.getFileName().toString()).matches()).forEach(candidates::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        candidates.sort(Comparator.comparingInt((Path p) -> number(numbered, p)).reversed());
        JsonNode want;
        try {
            want = JSON.readTree(JSON.writeValueAsString(runsNode(plan)));   // numbers typed as a read file types them
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path p : candidates) {
            try {
                if (want.equals(JSON.readTree(p.resolve(SWEEP).toFile()).get("runs"))) return new SweepFolder(p);
            } catch (IOException e) {
                // not a finished sweep folder (no or torn sweep.json): not ours to resume
            }
        }
        return null;
    }

    private static int number(Pattern numbered, Path p) {
        Matcher m = numbered.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** A new numbered folder with every run's directory prepared; {@code sweep.json} is written last. */
    public static SweepFolder create(SweepPlan plan) {
        SweepFolder folder = new SweepFolder(RunDirectory.createNumbered(plan.sweepsDir(), plan.name(), "sweep",
                "sweeps_dir in " + plan.file()));
        try {
            String planName = plan.file().getFileName().toString();
            Files.copy(plan.file(), folder.root().resolve("plan" + planName.substring(planName.lastIndexOf('.'))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        folder.prepare(plan);
        ObjectNode sweep = JsonNodeFactory.instance.objectNode();
        sweep.put("name", plan.name());
        sweep.put("plan", plan.file().toString());
        sweep.set("runs", runsNode(plan));
        folder.writeJson(SWEEP, sweep);
        return folder;
    }

    /** Makes sure every run has its directory and config (a deleted run directory is simply run again). */
    public void prepare(SweepPlan plan) {
        for (PlannedRun run : plan.runs()) {
            RunDirectory dir = RunDirectory.at(runDir(run));
            if (!Files.exists(dir.file(RunDirectory.CONFIG))) {
                AtomicFiles.writeString(dir.file(RunDirectory.CONFIG), ConfigLoader.toYaml(run.config()));
            }
        }
    }

    public Path runDir(PlannedRun run) {
        return root.resolve(run.name());
    }

    public Path file(String name) {
        return root.resolve(name);
    }

    void writeJson(String name, JsonNode node) {
        try {
            AtomicFiles.writeString(file(name), JSON.writeValueAsString(node) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What identifies a sweep's runs: names, overrides, seeds and resolved configs. */
    static ArrayNode runsNode(SweepPlan plan) {
        ArrayNode runs = JsonNodeFactory.instance.arrayNode();
        for (PlannedRun r : plan.runs()) {
            r.describe(runs.addObject()).put("config", ConfigLoader.toYaml(r.config()));
        }
        return runs;
    }
}
