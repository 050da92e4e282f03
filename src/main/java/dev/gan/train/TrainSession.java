package dev.gan.train;

import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.data.FolderSource;
import dev.gan.data.ImageSet;
import dev.gan.data.TrainingData;
import dev.gan.io.AtomicFiles;
import dev.gan.io.CheckpointState;
import dev.gan.io.Checkpoints;
import dev.gan.io.RunDirectory;
import dev.gan.io.RunLock;
import dev.gan.io.RunLog;
import dev.gan.io.TextFiles;
import dev.gan.model.GanShape;
import dev.gan.step.AugmentProbability;
import dev.gan.system.Backend;
import dev.gan.train.listeners.Listeners;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A training run's lifecycle: started from a config, resumed from a checkpoint or continued in a given run directory,
 * then run - the run directory's first files and log lines, the listeners, and a clean stop on Ctrl-C (the current
 * step finishes and a checkpoint is written). What the run trains comes from {@link RunSetup} and its data from
 * {@link TrainingData}. A run is written by one process at a time: each way in locks the run directory
 * ({@link RunLock}) before anything is written there, and holds it until the run ends.
 */
public final class TrainSession {
    private TrainSession() {
    }

    /**
     * How the caller wants the run reported.
     *
     * @param console     where lines go (besides log.txt)
     * @param progressBar draw a progress bar (terminals only)
     * @param commandLine the command as typed, for command.txt
     */
    public record Options(PrintStream console, boolean progressBar, String commandLine) {
    }

    public record Result(RunDirectory dir, long step, long totalSteps, TrainingListener.Outcome outcome, double seconds) {
    }

    /** Starts a new run in a new run directory under {@code output.runs_dir}. */
    public static Result start(ExperimentConfig given, Options options) {
        ExperimentConfig cfg = InitFrom.resolve(given);
        Backend.init();
        RunSetup setup = RunSetup.of(cfg, TrainingData.load(cfg, options.console()));
        // before the run directory: training.engine fast on a model it does not cover is a config error
        AugmentProbability augment = AugmentProbability.of(cfg.training());
        Engines.Selected engine = setup.engine(cfg, augment);
        RunDirectory dir = RunDirectory.create(Path.of(cfg.output().runsDir()), cfg.name());
        try (RunLock lock = lock(dir.root())) {
            return run(cfg, dir, setup, engine, 0, 0, 0, augment, options);
        }
    }

    /** Starts a new run in a given, existing run directory the caller has locked (sweeps place runs themselves). */
    private static Result startIn(ExperimentConfig given, RunDirectory dir, Options options) {
        ExperimentConfig cfg = InitFrom.resolve(given);
        Backend.init();
        RunSetup setup = RunSetup.of(cfg, TrainingData.load(cfg, options.console()));
        AugmentProbability augment = AugmentProbability.of(cfg.training());
        return run(cfg, dir, setup, setup.engine(cfg, augment), 0, 0, 0, augment, options);
    }

    /**
     * Resumes from a checkpoint file or a run directory's latest checkpoint. {@code sets} may change how long the
     * run goes and what it writes, not what it is: model, data, seed, batch size and D steps are fixed.
     */
    public static Result resume(Path target, List<String> sets, Options options) {
        Backend.init();
        Path file = Checkpoints.resolve(target);
        Path root = runOf(file);
        if (root == null) return resumeLocked(file, sets, options);
        try (RunLock lock = lock(root)) {
            return resumeLocked(file, sets, options);
        }
    }

    private static Result resumeLocked(Path file, List<String> sets, Options options) {
        String source = file + "!config.yaml";
        Checkpoints.Checkpoint ck = Checkpoints.read(file, true);
        ExperimentConfig saved = ConfigLoader.fromYaml(ck.configYaml(), source, List.of());
        ExperimentConfig cfg = ConfigLoader.fromYaml(ck.configYaml(), source, sets);
        if (!cfg.model().equals(saved.model()) || !cfg.data().equals(saved.data()) || cfg.seed() != saved.seed()
                || cfg.training().batchSize() != saved.training().batchSize()
                || cfg.training().dSteps() != saved.training().dSteps()) {
            throw new UserException("--set " + String.join(" --set ", sets) + ": a resumed run keeps its model, data, "
                    + "seed, training.batch_size and training.d_steps; to change them start a new run with --config");
        }
        InitFrom.requireKept(saved, cfg, sets);
        return continueFrom(ck, cfg, options);
    }

    /**
     * Trains in a given run directory, created if needed: from its latest checkpoint when it has one (which must be
     * of this very config), from scratch otherwise. This is how a sweep starts and resumes each of its runs.
     */
    public static Result trainIn(ExperimentConfig cfg, Path root, Options options) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UserException(root + ": cannot create the run directory (" + e.getMessage() + ")");
        }
        try (RunLock lock = lock(root)) {
            return trainInLocked(cfg, RunDirectory.at(root), options);
        }
    }

    private static Result trainInLocked(ExperimentConfig cfg, RunDirectory dir, Options options) {
        Path root = dir.root();
        List<Path> checkpoints = Checkpoints.stepFiles(dir.checkpoints());
        if (checkpoints.isEmpty()) return startIn(cfg, dir, options);
        Backend.init();
        Path file = checkpoints.get(checkpoints.size() - 1);
        Checkpoints.Checkpoint ck = Checkpoints.read(file, true);
        ExperimentConfig saved = ConfigLoader.fromYaml(ck.configYaml(), file + "!config.yaml", List.of());
        if (!InitFrom.sameRun(saved, cfg)) {
            throw new UserException(root + ": holds checkpoints of a run with another config; give the config it "
                    + "was started with (" + dir.file(RunDirectory.CONFIG) + "), or another --run-dir");
        }
        return continueFrom(ck, saved, options);   // saved: init_from as the run recorded it
    }

    private static Result continueFrom(Checkpoints.Checkpoint ck, ExperimentConfig cfg, Options options) {
        Path file = ck.file();
        ImageSet data = TrainingData.load(cfg, options.console());
        GanShape shape = RunSetup.shapeFor(cfg, data);
        if (!shape.equals(ck.state().shape())) {
            throw new UserException(file + ": was trained on images " + ck.state().shape() + " but " + data.source()
                    + " now gives " + shape + "; restore the original dataset");
        }
        // the networks come back with the learning rates they were saved with: --set may change them
        ExperimentConfig saved = ConfigLoader.fromYaml(ck.configYaml(), file + "!config.yaml", List.of());
        var st = ck.state();
        LearningRates.resume(saved, cfg, ck.generator(), ck.discriminator(), TrainingRun.totalSteps(cfg, data), st.step());
        Networks nets = Networks.resume(cfg, ck);
        // adaptive augmentation continues from the saved p and partial interval (a checkpoint without them: from 0)
        CheckpointState.Augment a = st.augment();
        AugmentProbability augment = a == null ? AugmentProbability.of(cfg.training())
                : AugmentProbability.resume(cfg.training(), a.p(), a.signSum(), a.count());
        RunSetup setup = RunSetup.of(cfg, data, shape, nets);
        Engines.Selected engine = setup.engine(cfg, augment);
        Path root = runOf(file);
        if (root != null) {   // locked by the caller
            return run(cfg, new RunDirectory(root), setup, engine, st.step(), st.epoch(), st.batchesDrawn(), augment,
                    options);
        }
        RunDirectory dir = RunDirectory.create(Path.of(cfg.output().runsDir()), cfg.name());
        try (RunLock lock = lock(dir.root())) {
            return run(cfg, dir, setup, engine, st.step(), st.epoch(), st.batchesDrawn(), augment, options);
        }
    }

    /** The run a checkpoint file belongs to ({@code <run>/checkpoints/step-N.zip}), or null for a loose file. */
    private static Path runOf(Path checkpoint) {
        Path parent = checkpoint.toAbsolutePath().getParent();
        if (!parent.getFileName().toString().equals("checkpoints")) return null;
        Path given = checkpoint.getParent() == null ? null : checkpoint.getParent().getParent();
        return given != null ? given : parent.getParent();   // as the user gave it, for messages
    }

    /** Locks a run for training; a second writer is told who trains it and how to take over. */
    private static RunLock lock(Path root) {
        return RunLock.acquire(root, "gan train", h -> !"gan train".equals(h.command())
                ? "wait for it to finish, then train again"
                : "wait for it to finish, or stop it (kill " + h.pid() + ") and resume it: gan train --resume " + root);
    }

    private static Result run(ExperimentConfig given, RunDirectory dir, RunSetup setup, Engines.Selected engine,
                              long step, long epoch, long batchesDrawn, AugmentProbability augment, Options options) {
        // training.precision auto is decided once, here at the start: config.yaml and checkpoints say what it picked
        ExperimentConfig cfg = engine.recorded(given);
        ImageSet data = setup.data();
        GanShape shape = setup.shape();
        Networks nets = setup.nets();
        String yaml = ConfigLoader.toYaml(cfg);
        AtomicFiles.writeString(dir.file(RunDirectory.CONFIG), yaml);
        String parent = step == 0 && cfg.training().initialised() ? InitFrom.describe(cfg) : null;
        TextFiles.appendLine(dir.file(RunDirectory.COMMAND), (step > 0 ? "# resumed at step " + step + "\n" : "")
                + (parent != null ? "# " + parent + "\n" : "") + options.commandLine());
        if (shape.conditional()) {
            AtomicFiles.writeString(dir.file(RunDirectory.CLASSES), String.join("\n", numbered(data.classNames())) + "\n");
        }
        dev.gan.MemoryUse.model(String.format(Locale.ROOT, "G %,d + D %,d parameters, batch %d of %dx%dx%d",
                nets.generator().numParams(), nets.discriminator().numParams(), cfg.training().batchSize(),
                shape.channels(), shape.size(), shape.size()));
        try (RunLog log = new RunLog(dir.file(RunDirectory.LOG), options.console())) {
            TrainingRun run = new TrainingRun(cfg, yaml, shape, data.classNames(), nets.generator(), nets.discriminator(),
                    nets.stabilisers(), data, dir, log, step, epoch, batchesDrawn, augment, setup.objective());
            log.info((step > 0 ? "resuming " : "run ") + dir.root() + (step > 0 ? " at step " + step : ""));
            dir.removeStaleTemporaries().forEach(gone -> log.info(gone.line()));
            log.info(RunLines.data(data));
            if (!data.skippedFiles().isEmpty()) {
                AtomicFiles.writeString(dir.file(RunDirectory.SKIPPED), String.join("\n", data.skippedFiles()) + "\n");
                log.warn(FolderSource.skippedWarning(data.skippedFiles(), dir.file(RunDirectory.SKIPPED).toString()));
            }
            log.info(RunLines.model(cfg, nets, engine));
            if (engine.auto() != null) log.info(engine.auto().line());
            if (!"none".equals(cfg.model().spectralNorm()) || cfg.training().ema().on()) {
                log.info(RunLines.stabilisers(cfg));
            }
            log.info(RunLines.training(cfg, run));
            String rates = LearningRates.line(cfg, run.totalSteps());
            if (rates != null) log.info(rates);
            log.info(RunLines.objective(cfg));
            RunLines.fineTuning(log, cfg, nets, parent);
            List<TrainingListener> listeners = Listeners.standard(cfg, options.console(), options.progressBar());
            long t0 = System.nanoTime();
            // the closing line is inside the stop guard: on Ctrl-C the JVM must not exit before it is written
            return StopOnInterrupt.around(run, () -> {
                TrainingListener.Outcome outcome = new Trainer(run, engine.step(), listeners, null).run();
                double seconds = (System.nanoTime() - t0) / 1e9;
                log.info(String.format(Locale.ROOT, "%s at step %d/%d after %.1f s; samples in %s, checkpoints in %s",
                        outcome == TrainingListener.Outcome.COMPLETED ? "done" : "stopped", run.step(),
                        run.totalSteps(), seconds, dir.samples(), dir.checkpoints()));
                return new Result(dir, run.step(), run.totalSteps(), outcome, seconds);
            });
        }
    }

    private static List<String> numbered(List<String> names) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) out.add(i + "\t" + names.get(i));
        return out;
    }
}
