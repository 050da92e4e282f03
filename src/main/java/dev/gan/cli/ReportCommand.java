package dev.gan.cli;

import dev.gan.UserException;
import dev.gan.experiment.SweepReport;
import dev.gan.io.RunDirectory;
import dev.gan.io.RunLock;
import dev.gan.report.RunFacts;
import dev.gan.report.RunReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code gan report}: report.html for a run directory or a sweep folder, from its files (runs of any age). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write report.html for a run (--checkpoint) or a sweep folder (--sweep).",
                "A run's report: header, interactive loss, D-output and evaluation curves with the health watch's "
                        + "messages, the sample grids on a slider, the resolved config. A sweep's: a sortable table of "
                        + "its runs, their final grids and overlaid curves (and each run's own report). Training and "
                        + "gan sweep write them as they go; this writes them on demand, also for older runs. "
                        + "report.html is derived from the run's files, so it is always rewritten."})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "0..1")
    Which which;

    static final class Which {
        @Option(names = "--checkpoint", paramLabel = CheckpointOption.LABEL,
                description = "A run directory (runs/<name>-NNN), or a checkpoint file of one (its run's report).")
        Path checkpoint;

        @Option(names = "--sweep", paramLabel = "SWEEP_DIR", description = "A sweep folder (sweeps/<name>-NNN).")
        Path sweep;
    }

    @Parameters(arity = "0..1", paramLabel = "DIR", hidden = true,
            description = "Deprecated spelling of --checkpoint RUN_DIR or --sweep SWEEP_DIR.")
    Path legacyDir;

    @Override
    public Integer call() {
        Path dir;
        if (legacyDir != null) {
            if (which != null) {
                throw new ParameterException(spec.commandLine(), "gan report: give --checkpoint RUN_DIR or --sweep "
                        + "SWEEP_DIR, not also a directory " + legacyDir);
            }
            boolean sweep = SweepReport.isSweep(legacyDir);
            Deprecation.notice(spec, "gan report DIR", sweep ? "gan report --sweep " + legacyDir
                    : "gan report --checkpoint " + legacyDir);
            dir = legacyDir;
        } else if (which == null) {
            throw new ParameterException(spec.commandLine(), "gan report: give --checkpoint CKPT|RUN_DIR (a run) or "
                    + "--sweep SWEEP_DIR (a sweep folder)");
        } else if (which.sweep != null) {
            if (!SweepReport.isSweep(which.sweep)) {
                throw new UserException(which.sweep + ": not a sweep folder (no sweep.json); give sweeps/<name>-NNN, "
                        + "or --checkpoint for a run");
            }
            dir = which.sweep;
        } else {
            dir = runDirOf(which.checkpoint);
        }
        if (!Files.isDirectory(dir)) {
            throw new UserException(dir + ": no such directory; give --checkpoint with a run directory "
                    + "(runs/<name>-NNN) or --sweep with a sweep folder (sweeps/<name>-NNN)");
        }
        // report.html is rewritten atomically, but by one writer at a time: a run or sweep still going writes its
        // own report as it goes, so asking for one then is refused (exit 2, nothing written) rather than raced
        if (SweepReport.isSweep(dir)) {
            try (RunLock lock = RunLock.acquire(dir, "gan report", h -> "the sweep rewrites its report.html as its "
                    + "runs end; open that, or run gan report again when the sweep has ended")) {
                root.out.println("report: " + SweepReport.write(dir, true));
            }
            return Gan.OK;
        }
        if (!Files.exists(dir.resolve(RunDirectory.LOG)) && !Files.exists(dir.resolve(RunDirectory.METRICS))) {
            throw new UserException(dir + ": not a run directory (no " + RunDirectory.LOG + " or "
                    + RunDirectory.METRICS + ") nor a sweep folder (no sweep.json); give --checkpoint runs/<name>-NNN "
                    + "or --sweep sweeps/<name>-NNN");
        }
        RunFacts f;
        Path file;
        try (RunLock lock = RunLock.acquire(dir, "gan report", h -> "gan train".equals(h.command())
                ? "its report.html is rewritten by that process as it trains; open that, or run gan report again when "
                + "it has finished" : "run gan report again when it has finished")) {
            f = RunFacts.read(dir, null);
            file = RunReport.write(dir, f);
        }
        root.out.println("report: " + file + " (" + f.state() + " at step " + f.step()
                + (f.totalSteps() > 0 ? "/" + f.totalSteps() : "") + ")");
        return Gan.OK;
    }

    /** A checkpoint file's run directory (runs/x/checkpoints/step-N.zip -> runs/x); a directory as it is. */
    static Path runDirOf(Path checkpoint) {
        if (!Files.isRegularFile(checkpoint)) return checkpoint;
        Path parent = checkpoint.toAbsolutePath().getParent();
        if (parent.getFileName() == null || !parent.getFileName().toString().equals("checkpoints")) {
            throw new UserException(checkpoint + ": a checkpoint outside a run directory has no run to report on; "
                    + "give the run directory (runs/<name>-NNN)");
        }
        return parent.getParent();
    }
}
