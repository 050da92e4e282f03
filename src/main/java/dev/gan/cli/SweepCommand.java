package dev.gan.cli;

import dev.gan.experiment.SlurmException;
import dev.gan.experiment.SweepReport;
import dev.gan.experiment.Sweeps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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
    @ParentCommand
    Gan root;

    @Spec
    CommandSpec spec;

    @Option(names = "--plan", paramLabel = "FILE", description = "Sweep plan (.yaml, .yml or .json).")
    Path plan;

    @Option(names = "--status", paramLabel = "SWEEP_DIR",
            description = "Show where each run of a sweep stands (queued, running, preempted, done, failed, ...) "
                    + "from Slurm and the run folders, and rewrite its summary. A run directory or checkpoint of the "
                    + "sweep names it too.")
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

    /** The summary is the result. */
    @Mixin
    JsonOutput json;

    @Override
    public Integer call() {
        try {
            Sweeps.Request r = new Sweeps.Request(slurmSets, await, parallel, dryRun, retryFailed, fresh, json.json,
                    root.out, root.err);
            if (statusDir != null) {
                if (plan != null || dryRun || fresh || retryFailed || !slurmSets.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "gan sweep: --status SWEEP_DIR goes alone (with "
                            + "--wait or --json); to submit again, give --plan");
                }
                return exitCode(Sweeps.status(sweepFolderOf(statusDir), r));
            }
            if (plan == null) {
                throw new ParameterException(spec.commandLine(), "Missing required option: '--plan=FILE' (or "
                        + "--status SWEEP_DIR to follow a sweep)");
            }
            return switch (executor) {
                case "local" -> {
                    checkLocal();
                    yield exitCode(Sweeps.local(plan, r));
                }
                case "slurm" -> {
                    if (spec.commandLine().getParseResult().hasMatchedOption("--parallel")) {
                        throw new ParameterException(spec.commandLine(), "gan sweep: --parallel is for --executor "
                                + "local; with Slurm, --slurm max_running=N limits the tasks that run at once");
                    }
                    yield exitCode(Sweeps.slurm(plan, r));
                }
                default -> throw new ParameterException(spec.commandLine(), "gan sweep: --executor must be local or "
                        + "slurm (got " + executor + ")");
            };
        } catch (SlurmException e) {
            root.err.println(e.getMessage());
            return e.exitCode();
        }
    }

    private void checkLocal() {
        if (parallel < 1) {
            throw new ParameterException(spec.commandLine(), "gan sweep: --parallel must be at least 1 (got " + parallel + ")");
        }
        if (!slurmSets.isEmpty() || await) {
            throw new ParameterException(spec.commandLine(), "gan sweep: " + (await ? "--wait" : "--slurm")
                    + " goes with --executor slurm" + (await ? " or --status SWEEP_DIR" : ""));
        }
    }

    /**
     * The sweep folder holding {@code path}: itself, or the sweep of a run directory or checkpoint inside it
     * (sweeps/x-001/run/checkpoints/step-N.zip), so that what names a run elsewhere names its sweep here.
     */
    static Path sweepFolderOf(Path path) {
        Path p = path.toAbsolutePath().normalize();
        for (int up = 0; up < 4 && p != null; up++, p = p.getParent()) {
            if (SweepReport.isSweep(p)) return up == 0 ? path : p;
        }
        return path; // not in a sweep: Sweeps.status says what is missing
    }

    private static int exitCode(boolean allDone) {
        return allDone ? Gan.OK : Gan.FAILURE;
    }
}
