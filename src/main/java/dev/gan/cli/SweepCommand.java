package dev.gan.cli;

import dev.gan.experiment.PlanReader;
import dev.gan.experiment.PlannedRun;
import dev.gan.experiment.RunStatus;
import dev.gan.experiment.SlurmException;
import dev.gan.experiment.SlurmJobs;
import dev.gan.experiment.SlurmSweep;
import dev.gan.experiment.SlurmTask;
import dev.gan.experiment.SweepFolder;
import dev.gan.experiment.SweepPlan;
import dev.gan.experiment.SweepRunner;
import dev.gan.experiment.SweepSummary;
import dev.gan.system.GpuCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code gan sweep}: every run of a sweep plan, each a {@code gan train} process - here ({@code --executor local}) or
 * as the tasks of a Slurm job array ({@code --executor slurm}) - then one summary table; {@code --status} tells where
 * a sweep stands.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a batch of training runs from a sweep plan (a base config, grid:, runs:, seeds:).",
                "Every run's config is checked before the first starts. Runs go into "
                        + "sweeps/<name>-NNN/<run>/; summary.csv, summary.md and report.html are rewritten as runs end. "
                        + "Running the same command again resumes the sweep.",
                "--executor slurm submits the unfinished runs as one Slurm job array instead; --status SWEEP_DIR "
                        + "shows each run's state, --wait waits for the end and writes the summary."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every run is done (or the job was submitted)",
                "1:some run failed or was interrupted (listed with its log); the Slurm controller did not answer",
                "2:bad plan or usage; no sbatch on the PATH; Slurm refused the job"})
final class SweepCommand implements Callable<Integer> {
    private static final String RESUME = "run the same command again to resume it";

    @ParentCommand
    Gan root;

    @Spec
    CommandSpec spec;

    @Option(names = "--plan", paramLabel = "FILE", description = "Sweep plan (.yaml, .yml or .json).")
    Path plan;

    @Option(names = "--status", paramLabel = "SWEEP_DIR",
            description = "Show where each run of a sweep stands (queued, running, preempted, done, failed, ...) "
                    + "from Slurm and the run folders, and rewrite its summary.")
    Path statusDir;

    @Option(names = "--executor", paramLabel = "local|slurm", defaultValue = "local",
            description = "local (default): training processes on this machine; slurm: submit the unfinished runs "
                    + "as a Slurm job array (options from the plan's slurm: section).")
    String executor;

    @Option(names = "--slurm", paramLabel = "KEY=VALUE",
            description = "Override a key of the plan's slurm: section, e.g. --slurm partition=gpu --slurm "
                    + "time=2:00:00 (repeatable).")
    List<String> slurmSets = new ArrayList<>();

    @Option(names = "--wait", description = "With --executor slurm or --status: wait until no run is queued or "
            + "running, then write the summary and exit as a local sweep does.")
    boolean await;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
            description = "Training processes at once (default: ${DEFAULT-VALUE}); each gets max(1, cores / N) "
                    + "OpenMP threads.")
    int parallel;

    @Option(names = "--dry-run", description = "List the runs (name and overrides) and exit; creates nothing. With "
            + "--executor slurm, also print the batch script.")
    boolean dryRun;

    @Option(names = "--retry-failed", description = "Run failed runs again (from their last checkpoint, if any).")
    boolean retryFailed;

    @Option(names = "--new", description = "Start a new sweep folder even if one of this plan exists.")
    boolean fresh;

    @Option(names = "--json", description = "Print the summary as JSON on standard output (progress goes to "
            + "standard error).")
    boolean json;

    @Override
    public Integer call() {
        try {
            if (statusDir != null) return status();
            if (plan == null) {
                throw new ParameterException(spec.commandLine(), "Missing required option: '--plan=FILE' (or "
                        + "--status SWEEP_DIR to follow a sweep)");
            }
            return switch (executor) {
                case "local" -> local();
                case "slurm" -> slurm();
                default -> throw new ParameterException(spec.commandLine(), "gan sweep: --executor must be local or "
                        + "slurm (got " + executor + ")");
            };
        } catch (SlurmException e) {
            root.err.println(e.getMessage());
            return e.exitCode();
        }
    }

    private int local() {
        if (parallel < 1) {
            throw new ParameterException(spec.commandLine(), "gan sweep: --parallel must be at least 1 (got " + parallel + ")");
        }
        if (!slurmSets.isEmpty() || await) {
            throw new ParameterException(spec.commandLine(), "gan sweep: " + (await ? "--wait" : "--slurm")
                    + " goes with --executor slurm" + (await ? " or --status SWEEP_DIR" : ""));
        }
        SweepPlan p = PlanReader.read(plan);
        SweepFolder existing = fresh ? null : SweepFolder.find(p);
        PrintStream progress = progress();
        if (dryRun) {
            dryRun(p, existing, progress);
            return Gan.OK;
        }
        if (existing != null) SlurmSweep.refuseIfLive(existing);
        // each run would refuse an unsupported GPU on its own; one line before any folder or process is better
        GpuCheck.requireSupported();
        SweepFolder folder = existing != null ? existing : SweepFolder.create(p);
        SweepSummary summary = SweepRunner.run(p, folder, new SweepRunner.Options(parallel, retryFailed, progress));
        return finish(p, folder, summary, RESUME);
    }

    private int slurm() {
        if (spec.commandLine().getParseResult().hasMatchedOption("--parallel")) {
            throw new ParameterException(spec.commandLine(), "gan sweep: --parallel is for --executor local; with "
                    + "Slurm, --slurm max_running=N limits the tasks that run at once");
        }
        SweepPlan p = PlanReader.read(plan, slurmSets);
        SweepFolder existing = fresh ? null : SweepFolder.find(p);
        PrintStream progress = progress();
        if (dryRun) {
            dryRun(p, existing, progress);
            if (!json) {
                root.out.println();
                root.out.println("# the batch script (all runs; a submission covers only the unfinished ones):");
                root.out.print(SlurmSweep.script(p, existing != null ? existing
                        : new SweepFolder(p.sweepsDir().resolve(p.name() + "-NNN"))));
            }
            return Gan.OK;
        }
        SlurmSweep.requireClient();   // before a folder is made: nothing to clean up after a missing client
        SweepFolder folder = existing != null ? existing : SweepFolder.create(p);
        SlurmSweep.submit(p, folder, retryFailed, progress);
        if (await) return finish(p, folder, SlurmSweep.await(p, folder, progress), RESUME);
        progress.println("follow it with: gan sweep --status " + folder.root() + " [--wait]");
        if (json) root.out.println(SweepSummary.collect(p, folder).json().toPrettyString());
        return Gan.OK;
    }

    private int status() {
        if (plan != null || dryRun || fresh || retryFailed || !slurmSets.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "gan sweep: --status SWEEP_DIR goes alone (with --wait "
                    + "or --json); to submit again, give --plan");
        }
        SweepFolder folder = new SweepFolder(statusDir);
        SweepPlan p = SlurmJobs.plan(folder);
        PrintStream progress = progress();
        if (await) {
            return finish(p, folder, SlurmSweep.await(p, folder, progress), "submit the sweep again (gan sweep --plan "
                    + p.file() + " --executor slurm) to resume it");
        }
        List<SlurmSweep.View> views = SlurmSweep.status(p, folder);
        SlurmTask.writeSummary(p, folder);
        progress.println("sweep " + folder.root() + ": " + views.size() + (views.size() == 1 ? " run" : " runs") + "; "
                + SlurmSweep.counts(views));
        SlurmSweep.print(views, progress);
        if (json) root.out.println(SlurmSweep.json(SweepSummary.collect(p, folder), views).toPrettyString());
        return Gan.OK;
    }

    private PrintStream progress() {
        return json ? root.err : root.out;
    }

    /** The end of a sweep, local or waited for: counts, the summary's place, JSON, each failed run with its log. */
    private int finish(SweepPlan p, SweepFolder folder, SweepSummary summary, String resumeHint) {
        PrintStream progress = progress();
        progress.println("sweep " + folder.root() + ": " + summary.counts() + "; summary in "
                + folder.file(SweepFolder.SUMMARY_MD));
        if (SweepSummary.lossOrderNote(p) != null) progress.println(SweepSummary.lossOrderNote(p));
        if (json) root.out.println(summary.json().toPrettyString());
        List<SweepSummary.Row> failed = summary.inState(RunStatus.FAILED);
        List<SweepSummary.Row> interrupted = summary.inState(RunStatus.INTERRUPTED);
        for (SweepSummary.Row r : failed) {
            root.err.println("failed: " + r.run().name() + " (exit " + r.status().exitCode() + "), log "
                    + r.log());
        }
        for (SweepSummary.Row r : interrupted) {
            root.err.println("interrupted: " + r.run().name() + "; " + resumeHint);
        }
        return failed.isEmpty() && interrupted.isEmpty() && summary.inState(RunStatus.PENDING).isEmpty()
                ? Gan.OK : Gan.FAILURE;
    }

    private void dryRun(SweepPlan p, SweepFolder existing, PrintStream progress) {
        progress.println("sweep " + p.name() + ": " + p.runs().size() + (p.runs().size() == 1 ? " run" : " runs")
                + " from " + p.file() + "; " + (existing == null ? "a new folder under " + p.sweepsDir()
                : "resumes " + existing.root() + " (" + SweepSummary.collect(p, existing).counts() + ")"));
        if (json) {
            root.out.println(SweepSummary.plannedJson(p).toPrettyString());
            return;
        }
        int width = p.runs().stream().mapToInt(r -> r.name().length()).max().orElse(0);
        for (PlannedRun r : p.runs()) {
            root.out.println(String.format("%-" + width + "s  %s", r.name(),
                    (r.overridesText() + " seed=" + r.seed()).strip()));
        }
        if (SweepSummary.lossOrderNote(p) != null) progress.println(SweepSummary.lossOrderNote(p));
    }
}
