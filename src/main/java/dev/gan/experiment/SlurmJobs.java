package dev.gan.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code slurm.json} of a sweep folder: every job submitted for it (job id, the run numbers it covers, its script,
 * when) and the plan's sort order, so that {@code gan sweep --status DIR}, {@code --wait} and the tasks themselves can
 * rebuild the sweep and its summary from the folder alone. A run belongs to the latest job that covers it.
 *
 * @param sortBy     the plan's sort_by at the last submission (null: plan order)
 * @param descending its sort_order was desc
 * @param jobs       the submissions, oldest first
 */
public record SlurmJobs(String sortBy, boolean descending, List<Job> jobs) {
    static final String FILE = "slurm.json";
    /** Folder of the scripts and of Slurm's own output of each task. */
    static final String DIR = "slurm";

    /**
     * One submission.
     *
     * @param jobId     the array's job id
     * @param runs      the run numbers, which are the array's task ids
     * @param script    the batch script, relative to the sweep folder
     * @param submitted when (ISO-8601)
     */
    record Job(String jobId, List<Integer> runs, String script, String submitted) {
    }

    static SlurmJobs read(SweepFolder folder) {
        Path file = folder.file(FILE);
        if (!Files.isRegularFile(file)) return new SlurmJobs(null, false, List.of());
        try {
            JsonNode n = SweepFolder.JSON.readTree(file.toFile());
            List<Job> jobs = new ArrayList<>();
            for (JsonNode j : n.path("jobs")) {
                List<Integer> runs = new ArrayList<>();
                j.path("runs").forEach(r -> runs.add(r.asInt()));
                jobs.add(new Job(j.path("job_id").asText(), runs, j.path("script").asText(), j.path("submitted").asText()));
            }
            JsonNode sort = n.get("sort_by");
            return new SlurmJobs(sort == null || sort.isNull() ? null : sort.asText(),
                    "desc".equals(n.path("sort_order").asText()), jobs);
        } catch (IOException e) {
            throw new UserException(file + ": unreadable (" + e.getMessage() + "); it lists the sweep's Slurm jobs");
        }
    }

    SlurmJobs plus(Job job, SweepPlan plan) {
        List<Job> all = new ArrayList<>(jobs);
        all.add(job);
        return new SlurmJobs(plan.sortBy(), plan.descending(), all);
    }

    void write(SweepFolder folder) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (sortBy == null) n.putNull("sort_by");
        else n.put("sort_by", sortBy);
        n.put("sort_order", descending ? "desc" : "asc");
        ArrayNode a = n.putArray("jobs");
        for (Job j : jobs) {
            ObjectNode o = a.addObject();
            o.put("job_id", j.jobId());
            ArrayNode runs = o.putArray("runs");
            j.runs().forEach(runs::add);
            o.put("script", j.script());
            o.put("submitted", j.submitted());
        }
        folder.writeJson(FILE, n);
    }

    /** The job each run number belongs to now: the latest submission that covers it. */
    Map<Integer, String> latestJobs() {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (Job j : jobs) for (int r : j.runs()) m.put(r, j.jobId());
        return m;
    }

    List<String> jobIds() {
        return SlurmClient.distinct(jobs.stream().map(Job::jobId).toList());
    }

    /**
     * The sweep as {@code sweep.json} describes it (names, overrides, seeds, resolved configs), sorted as
     * {@code slurm.json} says: what a task or {@code --status DIR} needs for the summary, without the plan file.
     */
    public static SweepPlan plan(SweepFolder folder) {
        Path file = folder.file(SweepFolder.SWEEP);
        if (!Files.isRegularFile(file)) {
            throw new UserException(folder.root() + ": not a sweep folder (no " + SweepFolder.SWEEP + "); give the "
                    + "folder gan sweep made, e.g. sweeps/lr-beta-001");
        }
        JsonNode sweep;
        try {
            sweep = SweepFolder.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<PlannedRun> runs = new ArrayList<>();
        int index = 1;
        for (JsonNode r : sweep.path("runs")) {
            Map<String, String> overrides = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("overrides").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                overrides.put(e.getKey(), e.getValue().asText());
            }
            ExperimentConfig cfg = ConfigLoader.fromYaml(r.path("config").asText(), file + " (run "
                    + r.path("run").asText() + ")", List.of());
            runs.add(new PlannedRun(index++, r.path("run").asText(), overrides, r.path("seed").asLong(), cfg));
        }
        SlurmJobs jobs = read(folder);
        Path parent = folder.root().toAbsolutePath().getParent();
        return new SweepPlan(Path.of(sweep.path("plan").asText()), sweep.path("name").asText(), parent, runs,
                jobs.sortBy(), jobs.descending(), SlurmOptions.defaults());
    }
}
