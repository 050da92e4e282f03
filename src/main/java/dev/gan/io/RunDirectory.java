package dev.gan.io;

import dev.gan.UserException;
import dev.gan.system.TempFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The folder a training run writes: {@code <runs_dir>/<name>-NNN/} with the resolved config, the command line, a
 * log, metrics, image grids, the loss plot and checkpoints. Numbers are never reused, so a new run never writes into
 * an old one.
 */
public record RunDirectory(Path root) {
    public static final String CONFIG = "config.yaml";
    public static final String COMMAND = "command.txt";
    public static final String LOG = "log.txt";
    public static final String METRICS = "metrics.csv";
    public static final String REALS = "reals.png";
    public static final String LOSS_PLOT = "loss.png";
    public static final String CLASSES = "classes.txt";
    /** Files {@code data.skip_bad_files} left out, one path a line. */
    public static final String SKIPPED = "skipped-files.txt";

    /** Creates the next free {@code <name>-NNN} under {@code runsDir}. */
    public static RunDirectory create(Path runsDir, String name) {
        return at(createNumbered(runsDir, name, "run", "output.runs_dir"));
    }

    /**
     * Creates and returns the next free {@code <parent>/<name>-NNN}; {@code what} ("run", "sweep") and {@code key}
     * (the setting that names {@code parent}) are for messages. Sweep folders are numbered the same way.
     */
    public static Path createNumbered(Path parent, String name, String what, String key) {
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UserException(parent + ": cannot create the " + what + "s folder (" + e.getMessage() + "); set " + key);
        }
        for (int i = 1; i < 100_000; i++) {
            Path candidate = parent.resolve(String.format("%s-%03d", name, i));
            if (Files.exists(candidate)) continue;
            try {
                Files.createDirectory(candidate);   // atomic: two runs started at once get different numbers
                return candidate;
            } catch (FileAlreadyExistsException e) {
                // taken between the check and the create: try the next number
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new UserException(parent + ": no free " + what + " number for " + name + "; clean up old " + what + "s");
    }

    /** A given folder as a run directory, created with its sub-folders if needed (sweeps place runs themselves). */
    public static RunDirectory at(Path root) {
        RunDirectory run = new RunDirectory(root);
        try {
            Files.createDirectories(run.samples());
            Files.createDirectories(run.checkpoints());
        } catch (IOException e) {
            throw new UserException(root + ": cannot create the run directory (" + e.getMessage() + ")");
        }
        return run;
    }

    public Path file(String name) {
        return root.resolve(name);
    }

    public Path samples() {
        return root.resolve("samples");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path sampleGrid(long step) {
        return samples().resolve(String.format("step-%06d.png", step));
    }

    /**
     * Removes the temporaries that a killed writer of this run left (a half-written checkpoint, grid or metrics file:
     * {@link AtomicFiles} names them after their process). Call it holding the run's lock, as a run starts or
     * resumes; returns one entry per folder that had any. Checkpoints and grids carry their step in the name, so no
     * later write of the same name would come to remove them.
     */
    public List<TempFiles.Removed> removeStaleTemporaries() {
        List<TempFiles.Removed> out = new ArrayList<>();
        for (Path dir : List.of(root, checkpoints(), samples())) {
            TempFiles.Removed gone = TempFiles.removeStaleIn(dir);
            if (gone.any()) out.add(gone);
        }
        return out;
    }

    public String name() {
        return root.getFileName().toString();
    }
}
