package dev.gan.train;

import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.data.Clusters;
import dev.gan.data.DataCache;
import dev.gan.data.Datasets;
import dev.gan.data.FolderSource;
import dev.gan.data.ImageSet;
import dev.gan.data.MappedPixels;
import dev.gan.data.Mirrored;
import dev.gan.io.AtomicFiles;
import dev.gan.io.CheckpointState;
import dev.gan.io.Checkpoints;
import dev.gan.io.RunDirectory;
import dev.gan.io.RunLog;
import dev.gan.model.GanModels;
import dev.gan.model.GanShape;
import dev.gan.step.AugmentProbability;
import dev.gan.step.FrozenBlocks;
import dev.gan.step.Stabilisers;
import dev.gan.train.listeners.CheckpointWriter;
import dev.gan.train.listeners.EvalListener;
import dev.gan.train.listeners.HealthWatch;
import dev.gan.train.listeners.MetricsListener;
import dev.gan.train.listeners.Progress;
import dev.gan.train.listeners.ReportWriter;
import dev.gan.train.listeners.SampleGrids;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sets up a training run - new from a config, or resumed from a checkpoint - and runs it: data, networks, run
 * directory, listeners, and a clean stop on Ctrl-C (the current step finishes and a checkpoint is written).
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

    /** The two networks of a config, with their spectral norm and EMA generator (model.spectral_norm, training.ema). */
    public record Networks(ComputationGraph generator, ComputationGraph discriminator, Stabilisers stabilisers) {
        /** New networks: untrained, or with the weights of training.init_from's checkpoint ({@link InitFrom}). */
        public static Networks build(ExperimentConfig cfg, GanShape shape) {
            ComputationGraph g = GanModels.generator(cfg.model(), shape, cfg.training().g(), cfg.seed());
            ComputationGraph d = GanModels.discriminator(cfg.model(), shape, cfg.training().d(), cfg.seed() + 1);
            if (cfg.training().initialised()) return InitFrom.load(cfg, g, d);
            return new Networks(g, d, Stabilisers.create(cfg, g, d));
        }

        /** The networks of a checkpoint, to train on under {@code cfg}. */
        public static Networks resume(ExperimentConfig cfg, Checkpoints.Checkpoint ck) {
            return new Networks(ck.generator(), ck.discriminator(), Stabilisers.resume(cfg, ck.generator(),
                    ck.discriminator(), ck.extras().spectralNorm(), ck.extras().generatorEma(), ck.file().toString()));
        }

        /** The training step for these networks under {@code cfg}'s training.engine, from step 0. */
        public Engines.Selected engine(ExperimentConfig cfg, GanShape shape) {
            return engine(cfg, shape, AugmentProbability.of(cfg.training()));
        }

        /** The training step, with the augmentation probability {@code p} (adaptive augmentation moves it). */
        public Engines.Selected engine(ExperimentConfig cfg, GanShape shape, AugmentProbability p) {
            return Engines.create(cfg, shape, generator, discriminator, stabilisers, p);
        }
    }

    /**
     * The config's dataset as training sees it: for a self-conditioned DCGAN ({@code model.clusters}), labelled by
     * its k-means clusters (seeded, so a resumed run gets the same ones); with {@code data.mirror}, followed by its
     * x-flips (after clustering: a flip keeps its image's cluster).
     */
    public static ImageSet trainingData(ExperimentConfig cfg) {
        return trainingData(cfg, null);
    }

    /**
     * {@link #trainingData(ExperimentConfig)}, telling {@code console} (may be null) when a folder or zip is packed into
     * the data cache ({@link #dataCache}) on first use.
     */
    public static ImageSet trainingData(ExperimentConfig cfg, PrintStream console) {
        ImageSet data = Datasets.load(cfg.data(), dataCache(cfg), console);
        int k = cfg.model().clusters();
        if (k > 0) data = Clusters.label(data, k, cfg.seed());   // validation allows clusters only for dcgan
        return cfg.data().mirror() ? Mirrored.of(data) : data;
    }

    /**
     * Where training packs folders and zips of images once, to map them rather than decode them again:
     * {@code <output.runs_dir>/.data-cache}, beside the runs that use them.
     */
    public static Path dataCache(ExperimentConfig cfg) {
        return Path.of(cfg.output().runsDir()).resolve(DataCache.FOLDER);
    }

    /** What the networks must look like for this config and dataset; checks CGAN's classes against the data. */
    public static GanShape shapeFor(ExperimentConfig cfg, ImageSet data) {
        int classes = 0;
        if ("cgan".equals(cfg.model().type())) {
            if (!data.labelled() && "folder".equals(cfg.data().format())) {
                throw new UserException(data.source() + ": has no class sub-folders (its images are all directly "
                        + "inside), and model.type cgan needs labels: sort the images into one sub-folder per class, "
                        + "or use model.type dcgan");
            }
            if (!data.labelled()) {
                throw new UserException(data.source() + ": has no labels, and model.type cgan needs them: set "
                        + "data.labels (idx) or sort the images into one sub-folder per class (folder)");
            }
            classes = data.numClasses();
            int want = cfg.model().numClasses();
            if (want > 0 && want != classes) {
                throw new UserException("model.num_classes is " + want + " but " + data.source() + " has " + classes
                        + " classes; set model.num_classes to " + classes + ", or to 0 to take it from the data");
            }
            if (classes < 2) {
                throw new UserException(data.source() + ": has " + classes + " class; a CGAN needs at least 2");
            }
            requireEveryClass(cfg, data);
        }
        if (cfg.model().clusters() > 0) classes = data.numClasses();
        return new GanShape(data.channels(), data.size(), cfg.model().latentSize(), classes,
                "projection".equals(cfg.model().conditioning()));
    }

    /**
     * A CGAN learns one class per label, from 0 to the largest; a class without images would still get a grid row
     * and a share of the generated labels, and learn nothing (labels up to 200 make 201 classes, most of them empty).
     */
    private static void requireEveryClass(ExperimentConfig cfg, ImageSet data) {
        int[] count = new int[data.numClasses()];
        int maxLabel = 0;
        for (int l : data.labels()) {
            count[l]++;
            maxLabel = Math.max(maxLabel, l);
        }
        List<String> empty = new ArrayList<>();
        for (int k = 0; k < count.length; k++) {
            String name = data.classNames().get(k);
            if (count[k] == 0) empty.add(name.equals(Integer.toString(k)) ? name : k + " " + name);
        }
        if (empty.isEmpty()) return;
        boolean idx = "idx".equals(cfg.data().format());
        String where = idx ? cfg.data().labels() : data.source();
        String shown = String.join(", ", empty.subList(0, Math.min(8, empty.size())))
                + (empty.size() > 8 ? " and " + (empty.size() - 8) + " more" : "");
        String fix, scope = "";
        if (idx && maxLabel + 1 < count.length && empty.size() == count.length - maxLabel - 1) {
            fix = "data.class_names names " + count.length + " classes but the labels go up to " + maxLabel
                    + ": give one name per class";
        } else if (cfg.data().limit() > 0) {
            scope = " in the first " + cfg.data().limit() + " (data.limit)";
            fix = "raise data.limit (" + cfg.data().limit() + ") so that every class has images, or use model.type dcgan";
        } else {
            fix = "a CGAN needs images of every class: number the labels 0.." + (count.length - empty.size() - 1)
                    + " without gaps, or use model.type dcgan";
        }
        throw new UserException(String.format(Locale.ROOT, "%s: %d of the %d classes %s no image%s: %s; %s",
                where, empty.size(), count.length, empty.size() == 1 ? "has" : "have", scope, shown, fix));
    }

    /** Starts a new run in a new run directory under {@code output.runs_dir}. */
    public static Result start(ExperimentConfig given, Options options) {
        ExperimentConfig cfg = InitFrom.resolve(given);
        Backend.init();
        ImageSet data = trainingData(cfg, options.console());
        GanShape shape = shapeFor(cfg, data);
        Networks nets = Networks.build(cfg, shape);
        // before the run directory: training.engine fast on a model it does not cover is a config error
        AugmentProbability augment = AugmentProbability.of(cfg.training());
        Engines.Selected engine = nets.engine(cfg, shape, augment);
        RunDirectory dir = RunDirectory.create(Path.of(cfg.output().runsDir()), cfg.name());
        return run(cfg, dir, data, shape, nets, engine, 0, 0, 0, augment, options);
    }

    /** Starts a new run in a given, existing run directory (sweeps place runs themselves). */
    public static Result startIn(ExperimentConfig given, RunDirectory dir, Options options) {
        ExperimentConfig cfg = InitFrom.resolve(given);
        Backend.init();
        ImageSet data = trainingData(cfg, options.console());
        GanShape shape = shapeFor(cfg, data);
        Networks nets = Networks.build(cfg, shape);
        AugmentProbability augment = AugmentProbability.of(cfg.training());
        return run(cfg, dir, data, shape, nets, nets.engine(cfg, shape, augment), 0, 0, 0, augment, options);
    }

    /**
     * Resumes from a checkpoint file or a run directory's latest checkpoint. {@code sets} may change how long the
     * run goes and what it writes, not what it is: model, data, seed, batch size and D steps are fixed.
     */
    public static Result resume(Path target, List<String> sets, Options options) {
        Backend.init();
        Path file = Checkpoints.resolve(target);
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
        if (!java.util.Objects.equals(cfg.training().initFrom(), saved.training().initFrom())) {
            throw new UserException("--set " + String.join(" --set ", sets) + ": a resumed run continues from its own "
                    + "checkpoint, and training.init_from records where it started (" + saved.training().initFrom()
                    + "); to fine-tune from another run start a new run with --config and --init-from");
        }
        return continueFrom(ck, cfg, options);
    }

    /**
     * Trains in a given run directory, created if needed: from its latest checkpoint when it has one (which must be
     * of this very config), from scratch otherwise. This is how a sweep starts and resumes each of its runs.
     */
    public static Result trainIn(ExperimentConfig cfg, Path root, Options options) {
        RunDirectory dir = RunDirectory.at(root);
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
        ImageSet data = trainingData(cfg, options.console());
        GanShape shape = shapeFor(cfg, data);
        if (!shape.equals(ck.state().shape())) {
            throw new UserException(file + ": was trained on images " + ck.state().shape() + " but " + data.source()
                    + " now gives " + shape + "; restore the original dataset");
        }
        // the networks come back with the learning rates they were saved with; the advice after a divergence is to
        // resume with lower ones, so --set training.g.lr / training.d.lr must reach the restored updaters
        ExperimentConfig saved = ConfigLoader.fromYaml(ck.configYaml(), file + "!config.yaml", List.of());
        if (cfg.training().g().lr() != saved.training().g().lr()) ck.generator().setLearningRate(cfg.training().g().lr());
        if (cfg.training().d().lr() != saved.training().d().lr()) ck.discriminator().setLearningRate(cfg.training().d().lr());
        Networks nets = Networks.resume(cfg, ck);
        var st = ck.state();
        // adaptive augmentation continues from the saved p and partial interval (a checkpoint without them: from 0)
        CheckpointState.Augment a = st.augment();
        AugmentProbability augment = a == null ? AugmentProbability.of(cfg.training())
                : AugmentProbability.resume(cfg.training(), a.p(), a.signSum(), a.count());
        Engines.Selected engine = nets.engine(cfg, shape, augment);
        Path parent = file.toAbsolutePath().getParent();
        RunDirectory dir = parent.getFileName().toString().equals("checkpoints")
                ? new RunDirectory(parent.getParent())
                : RunDirectory.create(Path.of(cfg.output().runsDir()), cfg.name());
        return run(cfg, dir, data, shape, nets, engine, st.step(),
                st.epoch(), st.batchesDrawn(), augment, options);
    }

    private static Result run(ExperimentConfig cfg, RunDirectory dir, ImageSet data, GanShape shape, Networks nets,
                              Engines.Selected engine, long step, long epoch, long batchesDrawn,
                              AugmentProbability augment, Options options) {
        String yaml = ConfigLoader.toYaml(cfg);
        AtomicFiles.writeString(dir.file(RunDirectory.CONFIG), yaml);
        String parent = step == 0 && cfg.training().initialised() ? InitFrom.describe(cfg) : null;
        appendLine(dir.file(RunDirectory.COMMAND), (step > 0 ? "# resumed at step " + step + "\n" : "")
                + (parent != null ? "# " + parent + "\n" : "") + options.commandLine());
        if (shape.conditional()) {
            AtomicFiles.writeString(dir.file(RunDirectory.CLASSES), String.join("\n", numbered(data.classNames())) + "\n");
        }
        dev.gan.MemoryUse.model(String.format(Locale.ROOT, "G %,d + D %,d parameters, batch %d of %dx%dx%d",
                nets.generator().numParams(), nets.discriminator().numParams(), cfg.training().batchSize(),
                shape.channels(), shape.size(), shape.size()));
        try (RunLog log = new RunLog(dir.file(RunDirectory.LOG), options.console())) {
            TrainingRun run = new TrainingRun(cfg, yaml, shape, data.classNames(), nets.generator(), nets.discriminator(),
                    nets.stabilisers(), data, dir, log, step, epoch, batchesDrawn, augment);
            log.info((step > 0 ? "resuming " : "run ") + dir.root() + (step > 0 ? " at step " + step : ""));
            ImageSet read = Mirrored.unflipped(data);
            log.info(String.format(Locale.ROOT, "data: %d images %dx%dx%d from %s%s%s%s", data.count(), data.channels(),
                    data.size(), data.size(), data.source(), data.labelled() ? ", " + data.numClasses() + " classes" : "",
                    read.store() instanceof MappedPixels ? ", memory-mapped" : "",
                    read != data ? ", x2 mirrored (" + read.count() + " images and their x-flips)" : ""));
            if (!data.skippedFiles().isEmpty()) {
                AtomicFiles.writeString(dir.file(RunDirectory.SKIPPED), String.join("\n", data.skippedFiles()) + "\n");
                log.warn(FolderSource.skippedWarning(data.skippedFiles(), dir.file(RunDirectory.SKIPPED).toString()));
            }
            log.info(String.format(Locale.ROOT, "model: %s, G %,d params, D %,d params; %s engine=%s",
                    cfg.model().type(), nets.generator().numParams(), nets.discriminator().numParams(), Backend.init(),
                    engine.describe()));
            if (!"none".equals(cfg.model().spectralNorm()) || cfg.training().ema().on()) {
                log.info(stabilisersLine(cfg));
            }
            log.info(String.format(Locale.ROOT, "training: %d steps of batch %d (%.1f epochs of %d batches)",
                    run.totalSteps(), cfg.training().batchSize(),
                    run.totalSteps() * (double) cfg.training().dSteps() / run.sampler().batchesPerEpoch(),
                    run.sampler().batchesPerEpoch()));
            log.info(objective(cfg));
            if (parent != null) {
                log.info(parent + ": loaded " + (cfg.training().ema().on() ? "G, D and EMA G" : "G and D")
                        + " weights; new optimiser state, step 0");
            }
            int frozen = cfg.training().freezeD();
            if (frozen > 0) {
                log.info("training.freeze_d: " + FrozenBlocks.of(nets.discriminator(), frozen).describe());
                if (!cfg.training().initialised()) {
                    log.warn("training.freeze_d is " + frozen + " without training.init_from: D's first blocks keep "
                            + "their random initial weights (FreezeD is meant for fine-tuning a trained D)");
                }
            }
            List<TrainingListener> listeners = new ArrayList<>();
            listeners.add(new HealthWatch());   // first: nothing is written for a diverged step
            boolean eval = cfg.training().evalEvery() > 0;
            MetricsListener metrics = new MetricsListener(options.progressBar() ? new Progress(options.console()) : null,
                    eval ? EvalListener.COLUMNS : List.of(), eval ? EvalListener.PANELS : List.of());
            listeners.add(metrics);
            if (eval) listeners.add(new EvalListener(metrics));
            listeners.add(new SampleGrids());
            listeners.add(new CheckpointWriter());
            listeners.add(new ReportWriter());   // last: it shows what the others wrote
            long t0 = System.nanoTime();
            // the closing line is inside the stop guard: on Ctrl-C the JVM must not exit before it is written
            return withStopOnInterrupt(run, () -> {
                TrainingListener.Outcome outcome = new Trainer(run, engine.step(), listeners, null).run();
                double seconds = (System.nanoTime() - t0) / 1e9;
                log.info(String.format(Locale.ROOT, "%s at step %d/%d after %.1f s; samples in %s, checkpoints in %s",
                        outcome == TrainingListener.Outcome.COMPLETED ? "done" : "stopped", run.step(),
                        run.totalSteps(), seconds, dir.samples(), dir.checkpoints()));
                return new Result(dir, run.step(), run.totalSteps(), outcome, seconds);
            });
        }
    }

    /**
     * Ctrl-C (or SIGTERM) asks the loop to stop after the current step, and holds the JVM's exit (up to 2 minutes)
     * until {@code body} has written its final checkpoint and closing line.
     */
    private static <T> T withStopOnInterrupt(TrainingRun run, java.util.function.Supplier<T> body) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            run.requestStop();
            try {
                done.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gan-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.get();
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook is running and has been released
            }
        }
    }

    /** What model.spectral_norm and training.ema do in this run, and which generator the grids show. */
    public static String stabilisersLine(ExperimentConfig cfg) {
        String sn = switch (cfg.model().spectralNorm()) {
            case "d" -> "spectral norm on D";
            case "gd" -> "spectral norm on G and D";
            default -> "no spectral norm";
        };
        var ema = cfg.training().ema();
        return sn + "; " + (ema.on()
                ? String.format(Locale.ROOT, "EMA generator (half-life %s kimg, ramp-up %s): sample grids, evaluation, "
                + "best.zip, gan sample and gan eval use it (--raw for the trained generator)", plain(ema.kimg()),
                plain(ema.rampup()))
                : "no EMA generator: sample grids and evaluation use the trained generator");
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** The log line that says what the step optimises: loss, R1 and augmentation. */
    private static String objective(ExperimentConfig cfg) {
        var t = cfg.training();
        String r1 = t.r1Gamma() > 0 ? String.format(Locale.ROOT, ", R1 gamma %s every %d D steps", t.r1Gamma(),
                t.r1Every()) : "";
        String aug = !t.augmenting() ? ", no augmentation" : ", augment " + t.augment() + " with p " + (t.augmentAuto()
                ? String.format(Locale.ROOT, "auto (target %s, %s kimg)", t.adaTarget(), t.adaKimg()) : t.augmentP());
        return "objective: loss " + t.loss() + r1 + aug;
    }

    private static List<String> numbered(List<String> names) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) out.add(i + "\t" + names.get(i));
        return out;
    }

    private static void appendLine(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
