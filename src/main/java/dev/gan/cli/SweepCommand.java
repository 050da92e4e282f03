package dev.gan.cli;

import dev.gan.experiment.PlanReader;
import dev.gan.experiment.PlannedRun;
import dev.gan.experiment.RunStatus;
import dev.gan.experiment.SweepFolder;
import dev.gan.experiment.SweepPlan;
import dev.gan.experiment.SweepRunner;
import dev.gan.experiment.SweepSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gan sweep}: every run of a sweep plan, each a {@code gan train} process, then one summary table. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a batch of training runs from a sweep plan (a base config, grid:, runs:, seeds:).",
                "Every run's config is checked before the first starts. Runs go into "
                        + "sweeps/<name>-NNN/<run>/; summary.csv, summary.md and report.html are rewritten as runs end. "
                        + "Running the same command again resumes the sweep."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every run is done", "1:some run failed or was interrupted (listed with its log)",
                "2:bad plan or usage"})
final class SweepCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Spec
    CommandSpec spec;

    @Option(names = "--plan", required = true, paramLabel = "FILE", description = "Sweep plan (.yaml, .yml or .json).")
    Path plan;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
            description = "Training processes at once (default: ${DEFAULT-VALUE}); each gets max(1, cores / N) "
                    + "OpenMP threads.")
    int parallel;

    @Option(names = "--dry-run", description = "List the runs (name and overrides) and exit; creates nothing.")
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
        if (parallel < 1) {
            throw new ParameterException(spec.commandLine(), "gan sweep: --parallel must be at least 1 (got " + parallel + ")");
        }
        SweepPlan p = PlanReader.read(plan);
        SweepFolder existing = fresh ? null : SweepFolder.find(p);
        PrintStream progress = json ? root.err : root.out;
        if (dryRun) {
            dryRun(p, existing, progress);
            return Gan.OK;
        }
        SweepFolder folder = existing != null ? existing : SweepFolder.create(p);
        SweepSummary summary = SweepRunner.run(p, folder, new SweepRunner.Options(parallel, retryFailed, progress));
        progress.println("sweep " + folder.root() + ": " + summary.counts() + "; summary in "
                + folder.file(SweepFolder.SUMMARY_MD));
        if (json) root.out.println(summary.json().toPrettyString());
        List<SweepSummary.Row> failed = summary.inState(RunStatus.FAILED);
        List<SweepSummary.Row> interrupted = summary.inState(RunStatus.INTERRUPTED);
        for (SweepSummary.Row r : failed) {
            root.err.println("failed: " + r.run().name() + " (exit " + r.status().exitCode() + "), log "
                    + r.log());
        }
        for (SweepSummary.Row r : interrupted) {
            root.err.println("interrupted: " + r.run().name() + "; run the same command again to resume it");
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
    }
}
