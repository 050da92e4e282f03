package dev.gan.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.UserException;
import dev.gan.io.AtomicFiles;
import dev.gan.io.Checkpoints;
import dev.gan.io.RunLock;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code gan sweep --executor slurm}: submits a sweep's unfinished runs as one Slurm job array, and tells where each
 * run stands ({@code --status}) or waits for the array to end ({@code --wait}) and writes the summary, as the local
 * executor does. What a task runs is {@link SlurmTask}; the script is {@link SlurmScript}.
 */
public final class SlurmSweep {
    /** States of a run as {@code --status} shows them (the summary keeps status.json's own). */
    public static final String QUEUED = "queued", RUNNING = "running", PREEMPTED = "preempted";
    /** The controller may hiccup during a long wait; give up only when it stays away this long. */
    private static final long CONTROLLER_PATIENCE_MS = 60_000;

    /**
     * Where one run stands.
     *
     * @param run    the run
     * @param status its status.json
     * @param task   its array task as Slurm knows it, or null (never submitted, or forgotten by the controller)
     * @param state  queued, running, preempted (requeued, waiting to resume), done, failed, interrupted or pending
     * @param detail a few words: the job, why it waits, the exit code and log
     */
    public record View(PlannedRun run, RunStatus status, SlurmClient.Task task, String state, String detail) {
        boolean live() {
            return task != null && task.live();
        }
    }

    private SlurmSweep() {
    }

    /** Fails with exit code 2 before anything is written when there is no {@code sbatch} to submit with. */
    public static void requireClient() {
        SlurmClient.require("sbatch");
        SlurmClient.require("squeue");
    }

    /** The script a submission of every run would use, for {@code --dry-run}. */
    public static String script(SweepPlan plan, SweepFolder folder) {
        return SlurmScript.text(folder, plan.name(), plan.runs().stream().map(PlannedRun::index).toList(), plan.slurm());
    }

    /**
     * Submits the runs that still need running (pending, interrupted, and failed ones with {@code retryFailed}) and
     * are not already queued or running in an earlier job; returns the new job id, or null when nothing was left.
     */
    public static String submit(SweepPlan plan, SweepFolder folder, boolean retryFailed, PrintStream log) {
        try (RunLock lock = SweepRunner.lock(folder)) {
            folder.prepare(plan);
            SlurmJobs jobs = SlurmJobs.read(folder);
            Map<Integer, SlurmClient.Task> tasks = latestTasks(jobs);
            List<Integer> todo = new ArrayList<>();
            int done = 0, failed = 0, live = 0;
            for (PlannedRun r : plan.runs()) {
                SlurmClient.Task t = tasks.get(r.index());
                RunStatus s = RunStatus.read(folder.runDir(r));
                if (t != null && t.live()) live++;
                else if (s.toRun(retryFailed)) todo.add(r.index());
                else if (s.state().equals(RunStatus.DONE)) done++;
                else failed++;
            }
            int n = plan.runs().size();
            log.printf(Locale.ROOT, "sweep %s: %d run%s; %d done, %d to submit%s%s%n", folder.root(), n,
                    n == 1 ? "" : "s", done, todo.size(),
                    live > 0 ? ", " + live + " already queued or running in Slurm" : "",
                    failed > 0 ? ", " + failed + " failed (skipped; --retry-failed submits them again)" : "");
            SlurmTask.writeSummary(plan, folder);
            if (todo.isEmpty()) return null;
            String name = String.format(Locale.ROOT, "submit-%03d.sbatch", jobs.jobs().size() + 1);
            Path script = folder.file(SlurmJobs.DIR).resolve(name);
            AtomicFiles.writeString(script, SlurmScript.text(folder, plan.name(), todo, plan.slurm()));
            String settings = plan.slurm().settings().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", "));
            String jobId = SlurmClient.submit(script, settings);
            jobs.plus(new SlurmJobs.Job(jobId, todo, SlurmJobs.DIR + "/" + name, Instant.now().toString()), plan)
                    .write(folder);
            log.printf(Locale.ROOT, "submitted Slurm job %s: %d task%s (runs %s), script %s%n", jobId, todo.size(),
                    todo.size() == 1 ? "" : "s", SlurmScript.arraySpec(todo), script);
            return jobId;
        }
    }

    /** Refuses to run the sweep locally while Slurm still has tasks of it: both would train the same runs. */
    public static void refuseIfLive(SweepFolder folder) {
        SlurmJobs jobs = SlurmJobs.read(folder);
        if (jobs.jobs().isEmpty() || !SlurmClient.onPath("squeue")) return;
        List<Integer> live = latestTasks(jobs).values().stream().filter(SlurmClient.Task::live)
                .map(SlurmClient.Task::index).sorted().toList();
        if (!live.isEmpty()) {
            throw new UserException(folder.root() + ": runs " + SlurmScript.arraySpec(live) + " are queued or running in "
                    + "Slurm; wait for them (gan sweep --status " + folder.root() + " --wait) or cancel them (scancel "
                    + String.join(" ", jobs.jobIds()) + ") before running the sweep locally");
        }
    }

    /** Where every run of the sweep stands now. */
    public static List<View> status(SweepPlan plan, SweepFolder folder) {
        SlurmJobs jobs = SlurmJobs.read(folder);
        Map<Integer, SlurmClient.Task> tasks = latestTasks(jobs);
        Map<Integer, String> jobOf = jobs.latestJobs();
        List<View> out = new ArrayList<>();
        for (PlannedRun r : plan.runs()) {
            Path dir = folder.runDir(r);
            out.add(view(r, RunStatus.read(dir), tasks.get(r.index()), jobOf.get(r.index()), dir));
        }
        return out;
    }

    private static View view(PlannedRun r, RunStatus s, SlurmClient.Task t, String job, Path dir) {
        String id = job == null ? null : job + "_" + r.index();
        boolean ended = s.state().equals(RunStatus.DONE) || s.state().equals(RunStatus.FAILED)
                || s.state().equals(RunStatus.INTERRUPTED);
        if (t != null && t.live() && !(t.state().equals("COMPLETING") && ended)) {
            if (!t.waiting()) {
                return new View(r, s, t, RUNNING, "job " + id + " on " + t.node() + ", attempt " + Math.max(1, s.attempts()));
            }
            String why = t.reason().isEmpty() || t.reason().equals("None") ? "" : " (" + t.reason() + ")";
            if (t.restarts() > 0) {
                return new View(r, s, t, PREEMPTED, "job " + id + " requeued " + t.restarts() + "x, waiting" + why
                        + "; resumes from " + lastCheckpoint(dir));
            }
            return new View(r, s, t, QUEUED, "job " + id + " waiting" + why);
        }
        String how = t == null ? "" : ", Slurm: " + t.state();
        return switch (s.state()) {
            case RunStatus.DONE -> new View(r, s, t, RunStatus.DONE, String.format(Locale.ROOT,
                    "%.1f s, %d attempt%s", s.wallSeconds(), s.attempts(), s.attempts() == 1 ? "" : "s"));
            case RunStatus.FAILED -> new View(r, s, t, RunStatus.FAILED, "exit " + s.exitCode() + ", log "
                    + dir.resolve(TrainProcess.CONSOLE));
            // "running" with no live task: the task was killed outright (node failure, OOM, KillWait passed)
            case RunStatus.INTERRUPTED, RunStatus.RUNNING -> new View(r, s, t, RunStatus.INTERRUPTED,
                    "stopped" + (s.exitCode() > 0 && s.state().equals(RunStatus.INTERRUPTED) ? " (exit " + s.exitCode() + ")" : "")
                            + how + "; submitting the sweep again resumes it from " + lastCheckpoint(dir));
            default -> new View(r, s, t, RunStatus.PENDING, id == null ? "not submitted" : "not started" + how);
        };
    }

    private static String lastCheckpoint(Path dir) {
        List<Path> files = Checkpoints.stepFiles(dir.resolve("checkpoints"));
        return files.isEmpty() ? "the start" : files.get(files.size() - 1).getFileName().toString();
    }

    /** Prints one line per run: state and detail. */
    public static void print(List<View> views, PrintStream out) {
        int width = views.stream().mapToInt(v -> v.run().name().length()).max().orElse(0);
        for (View v : views) {
            out.println(String.format(Locale.ROOT, "%-" + width + "s  %-11s %s", v.run().name(), v.state(), v.detail()));
        }
    }

    /** "2 done, 1 running, 1 queued", in a fixed order. */
    public static String counts(List<View> views) {
        Map<String, Integer> n = new LinkedHashMap<>();
        for (String s : List.of(RunStatus.DONE, RUNNING, QUEUED, PREEMPTED, RunStatus.FAILED, RunStatus.INTERRUPTED,
                RunStatus.PENDING)) {
            n.put(s, 0);
        }
        views.forEach(v -> n.merge(v.state(), 1, Integer::sum));
        return n.entrySet().stream().filter(e -> e.getValue() > 0).map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    /** The {@code --json} summary with each run's live state and job added. */
    public static ObjectNode json(SweepSummary summary, List<View> views) {
        ObjectNode root = summary.json();
        Map<String, View> byName = new HashMap<>();
        views.forEach(v -> byName.put(v.run().name(), v));
        for (JsonNode run : root.path("runs")) {
            View v = byName.get(run.path("run").asText());
            if (v == null) continue;
            ((ObjectNode) run).put("slurm_state", v.state());
            ((ObjectNode) run).put("slurm_detail", v.detail());
        }
        return root;
    }

    /**
     * Blocks until no run of the sweep has a live task, printing each run's changes of state, then writes the summary
     * and returns it. Polls squeue every second for the first minute, then every 5 s, then every 30 s: a cluster's
     * controller is shared.
     */
    public static SweepSummary await(SweepPlan plan, SweepFolder folder, PrintStream log) {
        long t0 = System.currentTimeMillis();
        long failingSince = -1;
        Map<String, String> shown = new HashMap<>();
        int n = plan.runs().size();
        while (true) {
            List<View> views;
            try {
                views = status(plan, folder);
                failingSince = -1;
            } catch (SlurmException e) {
                if (e.exitCode() != 1) throw e;
                long now = System.currentTimeMillis();
                if (failingSince < 0) failingSince = now;
                if (now - failingSince > CONTROLLER_PATIENCE_MS) throw e;
                sleep(5_000);
                continue;
            }
            for (View v : views) {
                String line = v.state() + ": " + v.detail();
                if (!line.equals(shown.put(v.run().name(), line))) {
                    log.println(String.format(Locale.ROOT, "[%d/%d] %s: %s", v.run().index(), n, v.run().name(), line));
                }
            }
            if (views.stream().noneMatch(View::live)) break;
            long elapsed = System.currentTimeMillis() - t0;
            sleep(elapsed < 60_000 ? 1_000 : elapsed < 600_000 ? 5_000 : 30_000);
        }
        SweepSummary summary = SweepSummary.collect(plan, folder);
        SlurmTask.writeSummary(plan, folder);
        return summary;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlurmException(1, "gan sweep: interrupted while waiting; the Slurm job goes on");
        }
    }

    /** Each run number's task in the latest job that covers it (absent when the controller does not know it). */
    private static Map<Integer, SlurmClient.Task> latestTasks(SlurmJobs jobs) {
        Map<Integer, SlurmClient.Task> out = new HashMap<>();
        if (jobs.jobs().isEmpty()) return out;
        Map<String, Map<Integer, SlurmClient.Task>> all = SlurmClient.tasks(jobs.jobIds());
        jobs.latestJobs().forEach((run, job) -> {
            SlurmClient.Task t = all.getOrDefault(job, Map.of()).get(run);
            if (t != null) out.put(run, t);
        });
        return out;
    }
}
