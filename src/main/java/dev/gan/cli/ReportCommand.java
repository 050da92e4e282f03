package dev.gan.cli;

import dev.gan.UserException;
import dev.gan.experiment.SweepReport;
import dev.gan.io.RunDirectory;
import dev.gan.io.RunLock;
import dev.gan.report.RunFacts;
import dev.gan.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code gan report}: report.html for a run directory or a sweep folder, from its files (runs of any age). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write report.html for a run directory or a sweep folder.",
                "A run's report: header, interactive loss, D-output and evaluation curves with the health watch's "
                        + "messages, the sample grids on a slider, the resolved config. A sweep's: a sortable table of "
                        + "its runs, their final grids and overlaid curves (and each run's own report). Training and "
                        + "gan sweep write them as they go; this writes them on demand, also for older runs."})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Parameters(paramLabel = "RUN_DIR|SWEEP_DIR", description = "A run directory (runs/<name>-NNN) or a sweep folder "
            + "(sweeps/<name>-NNN).")
    Path dir;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw new UserException(dir + ": no such directory; give a run directory (runs/<name>-NNN) or a sweep "
                    + "folder (sweeps/<name>-NNN)");
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
                    + RunDirectory.METRICS + ") nor a sweep folder (no sweep.json); give runs/<name>-NNN or "
                    + "sweeps/<name>-NNN");
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
}
