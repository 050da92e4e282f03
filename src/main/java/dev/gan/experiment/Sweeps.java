package dev.gan.experiment;

import dev.gan.system.GpuCheck;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code gan sweep}'s work once its options are checked: a sweep run here or submitted to Slurm (the executor
 * choice), a dry run of either, and {@code --status} of a submitted one. Each ends with the sweep's outcome: whether
 * every run is done.
 */
public final class Sweeps {
    private static final String RESUME = "run the same command again to resume it";

    /**
     * What the command line asked for besides the executor.
     *
     * @param slurmSets   --slurm KEY=VALUE overrides of the plan's slurm: section
     * @param await       wait for a Slurm sweep's end
     * @param parallel    training processes at once (local)
     * @param dryRun      list the runs and exit
     * @param retryFailed run failed runs again
     * @param fresh       a new sweep folder even if one of this plan exists
     * @param json        the summary as JSON on {@code out}; progress then goes to {@code err}
     * @param out         standard output
     * @param err         standard error
     */
    public record Request(List<String> slurmSets, boolean await, int parallel, boolean dryRun, boolean retryFailed,
                          boolean fresh, boolean json, PrintStream out, PrintStream err) {
        PrintStream progress() {
            return json ? err : out;
        }
    }

    private Sweeps() {
    }

    /** {@code --executor local}: every unfinished run of the plan in a training process here; true if all are done. */
    public static boolean local(Path plan, Request r) {
        SweepPlan p = PlanReader.read(plan);
        SweepFolder existing = r.fresh() ? null : SweepFolder.find(p);
        PrintStream progress = r.progress();
        if (r.dryRun()) {
            dryRun(p, existing, r);
            return true;
        }
        if (existing != null) SlurmSweep.refuseIfLive(existing);
        // each run would refuse an unsupported GPU on its own; one line before any folder or process is better
        GpuCheck.requireSupported();
        SweepFolder folder = existing != null ? existing : SweepFolder.create(p);
        SweepSummary summary = SweepRunner.run(p, folder, new SweepRunner.Options(r.parallel(), r.retryFailed(),
                progress));
        return finish(p, folder, summary, RESUME, r);
    }

    /** {@code --executor slurm}: the unfinished runs as one job array; with --wait, true if all end done. */
    public static boolean slurm(Path plan, Request r) {
        SweepPlan p = PlanReader.read(plan, r.slurmSets());
        SweepFolder existing = r.fresh() ? null : SweepFolder.find(p);
        PrintStream progress = r.progress();
        if (r.dryRun()) {
            dryRun(p, existing, r);
            if (!r.json()) {
                r.out().println();
                r.out().println("# the batch script (all runs; a submission covers only the unfinished ones):");
                r.out().print(SlurmSweep.script(p, existing != null ? existing
                        : new SweepFolder(p.sweepsDir().resolve(p.name() + "-NNN"))));
            }
            return true;
        }
        SlurmSweep.requireClient();   // before a folder is made: nothing to clean up after a missing client
        SweepFolder folder = existing != null ? existing : SweepFolder.create(p);
        SlurmSweep.submit(p, folder, r.retryFailed(), progress);
        if (r.await()) return finish(p, folder, SlurmSweep.await(p, folder, progress), RESUME, r);
        progress.println("follow it with: gan sweep --status " + folder.root() + " [--wait]");
        if (r.json()) r.out().println(SweepSummary.collect(p, folder).json().toPrettyString());
        return true;
    }

    /** {@code --status SWEEP_DIR}: each run's state and a fresh summary; with --wait, true if all end done. */
    public static boolean status(Path statusDir, Request r) {
        SweepFolder folder = new SweepFolder(statusDir);
        SweepPlan p = SlurmJobs.plan(folder);
        PrintStream progress = r.progress();
        if (r.await()) {
            return finish(p, folder, SlurmSweep.await(p, folder, progress), "submit the sweep again (gan sweep --plan "
                    + p.file() + " --executor slurm) to resume it", r);
        }
        List<SlurmSweep.View> views = SlurmSweep.status(p, folder);
        SlurmTask.writeSummary(p, folder);
        progress.println("sweep " + folder.root() + ": " + views.size() + (views.size() == 1 ? " run" : " runs") + "; "
                + SlurmSweep.counts(views));
        SlurmSweep.print(views, progress);
        if (r.json()) r.out().println(SlurmSweep.json(SweepSummary.collect(p, folder), views).toPrettyString());
        return true;
    }

    /** The end of a sweep, local or waited for: counts, the summary's place, JSON, each failed run with its log. */
    private static boolean finish(SweepPlan p, SweepFolder folder, SweepSummary summary, String resumeHint, Request r) {
        PrintStream progress = r.progress();
        progress.println("sweep " + folder.root() + ": " + summary.counts() + "; summary in "
                + folder.file(SweepFolder.SUMMARY_MD));
        if (SweepSummary.lossOrderNote(p) != null) progress.println(SweepSummary.lossOrderNote(p));
        if (r.json()) r.out().println(summary.json().toPrettyString());
        List<SweepSummary.Row> failed = summary.inState(RunStatus.FAILED);
        List<SweepSummary.Row> interrupted = summary.inState(RunStatus.INTERRUPTED);
        for (SweepSummary.Row row : failed) {
            r.err().println("failed: " + row.run().name() + " (exit " + row.status().exitCode() + "), log "
                    + row.log());
        }
        for (SweepSummary.Row row : interrupted) {
            r.err().println("interrupted: " + row.run().name() + "; " + resumeHint);
        }
        return failed.isEmpty() && interrupted.isEmpty() && summary.inState(RunStatus.PENDING).isEmpty();
    }

    private static void dryRun(SweepPlan p, SweepFolder existing, Request r) {
        PrintStream progress = r.progress();
        progress.println("sweep " + p.name() + ": " + p.runs().size() + (p.runs().size() == 1 ? " run" : " runs")
                + " from " + p.file() + "; " + (existing == null ? "a new folder under " + p.sweepsDir()
                : "resumes " + existing.root() + " (" + SweepSummary.collect(p, existing).counts() + ")"));
        if (r.json()) {
            r.out().println(SweepSummary.plannedJson(p).toPrettyString());
            return;
        }
        int width = p.runs().stream().mapToInt(run -> run.name().length()).max().orElse(0);
        for (PlannedRun run : p.runs()) {
            r.out().println(String.format("%-" + width + "s  %s", run.name(),
                    (run.overridesText() + " seed=" + run.seed()).strip()));
        }
        if (SweepSummary.lossOrderNote(p) != null) progress.println(SweepSummary.lossOrderNote(p));
    }
}
