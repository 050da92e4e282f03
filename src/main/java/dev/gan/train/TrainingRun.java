package dev.gan.train;

import dev.gan.config.ExperimentConfig;
import dev.gan.data.BatchSampler;
import dev.gan.data.ImageSet;
import dev.gan.generate.StandingStatistics;
import dev.gan.io.CheckpointState;
import dev.gan.io.RunDirectory;
import dev.gan.io.RunLog;
import dev.gan.io.Checkpoints;
import dev.gan.model.GanShape;
import dev.gan.step.AugmentProbability;
import dev.gan.step.Objective;
import dev.gan.step.Stabilisers;
import dev.gan.system.Version;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.time.Instant;
import java.util.List;

/**
 * The state of one training run that the loop advances and listeners read: config, networks, data, counters.
 * The counters ({@link #step()}, {@link #batchesDrawn()}) plus the seed are the whole random state of a run.
 */
public final class TrainingRun {
    private final ExperimentConfig config;
    private final String configYaml;
    private final GanShape shape;
    private final List<String> classNames;
    private final ComputationGraph generator;
    private final ComputationGraph discriminator;
    private final Stabilisers stabilisers;
    private StandingStatistics standing;   // the EMA generator's, made on first use
    private final ImageSet data;
    private final BatchSampler sampler;
    private final RunDirectory dir;
    private final RunLog log;
    private final long totalSteps;
    private final long startStep;
    private long step;
    private long epoch;
    private long batchesDrawn;
    private final AugmentProbability augment;
    private final Objective objective;
    private volatile boolean stopRequested;

    /** A run whose augmentation probability starts from the config's (no checkpoint to continue it from). */
    TrainingRun(ExperimentConfig config, String configYaml, GanShape shape, List<String> classNames,
                ComputationGraph generator, ComputationGraph discriminator, Stabilisers stabilisers, ImageSet data,
                RunDirectory dir, RunLog log, long step, long epoch, long batchesDrawn) {
        this(config, configYaml, shape, classNames, generator, discriminator, stabilisers, data, dir, log, step, epoch,
                batchesDrawn, AugmentProbability.of(config.training()));
    }

    TrainingRun(ExperimentConfig config, String configYaml, GanShape shape, List<String> classNames,
                ComputationGraph generator, ComputationGraph discriminator, Stabilisers stabilisers, ImageSet data,
                RunDirectory dir, RunLog log, long step, long epoch, long batchesDrawn, AugmentProbability augment) {
        this(config, configYaml, shape, classNames, generator, discriminator, stabilisers, data, dir, log, step, epoch,
                batchesDrawn, augment, Objective.of(config.training()));
    }

    /** A run whose step optimises {@code objective} (its engine's: {@link RunSetup#objective()}). */
    TrainingRun(ExperimentConfig config, String configYaml, GanShape shape, List<String> classNames,
                ComputationGraph generator, ComputationGraph discriminator, Stabilisers stabilisers, ImageSet data,
                RunDirectory dir, RunLog log, long step, long epoch, long batchesDrawn, AugmentProbability augment,
                Objective objective) {
        this.augment = augment;
        this.objective = objective;
        this.config = config;
        this.configYaml = configYaml;
        this.shape = shape;
        this.classNames = List.copyOf(classNames);
        this.generator = generator;
        this.discriminator = discriminator;
        this.stabilisers = stabilisers;
        this.data = data;
        this.sampler = new BatchSampler(data, config.training().batchSize(), config.seed());
        this.dir = dir;
        this.log = log;
        this.step = step;
        this.startStep = step;
        this.epoch = epoch;
        this.batchesDrawn = batchesDrawn;
        this.totalSteps = totalSteps(config, sampler.batchesPerEpoch());
    }

    /** The length of a run of {@code c} on {@code data}. */
    static long totalSteps(ExperimentConfig c, ImageSet data) {
        return totalSteps(c, BatchSampler.batchesPerEpoch(data.count(), c.training().batchSize()));
    }

    /** steps, or epochs x the generator steps one epoch of batches allows. */
    public static long totalSteps(ExperimentConfig c, int batchesPerEpoch) {
        if (c.training().steps() > 0) return c.training().steps();
        return Math.max(1, (long) c.training().epochs() * batchesPerEpoch / c.training().dSteps());
    }

    /** What the step optimises (training.loss, R1): what listeners ask about the loss, never its name. */
    public Objective objective() {
        return objective;
    }

    public ExperimentConfig config() {
        return config;
    }

    public String configYaml() {
        return configYaml;
    }

    public GanShape shape() {
        return shape;
    }

    public List<String> classNames() {
        return classNames;
    }

    public ComputationGraph generator() {
        return generator;
    }

    public ComputationGraph discriminator() {
        return discriminator;
    }

    /** Spectral norm and the EMA generator (model.spectral_norm, training.ema). */
    public Stabilisers stabilisers() {
        return stabilisers;
    }

    /**
     * The generator sample grids, the health watch's diversity check, evaluation and best.zip use: the EMA generator
     * when there is one (a copy with {@link StandingStatistics}, recomputed once per step at most), else the trained
     * one as inference sees it. Valid until the next step.
     */
    public ComputationGraph samplingGenerator() {
        ComputationGraph g = stabilisers.samplingGenerator(generator);
        if (stabilisers.ema() == null) return g;
        if (standing == null) standing = new StandingStatistics(shape);
        return standing.of(g, generator.getIterationCount());
    }

    /** What a checkpoint holds besides the two networks: the EMA generator and the spectral-norm vectors. */
    public Checkpoints.Extras checkpointExtras() {
        return new Checkpoints.Extras(stabilisers.emaGraph(), stabilisers.vectors());
    }

    public ImageSet data() {
        return data;
    }

    BatchSampler sampler() {
        return sampler;
    }

    public RunDirectory dir() {
        return dir;
    }

    public RunLog log() {
        return log;
    }

    /** The probability of each augmentation transform (training.augment_p), which adaptive augmentation moves. */
    public AugmentProbability augment() {
        return augment;
    }

    public long step() {
        return step;
    }

    /** The step this session started from (0 for a new run, the checkpoint's step for a resumed one). */
    public long startStep() {
        return startStep;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public long epoch() {
        return epoch;
    }

    public long batchesDrawn() {
        return batchesDrawn;
    }

    void advance(long epochOfLastBatch, long batches) {
        this.epoch = epochOfLastBatch;
        this.batchesDrawn = batches;
    }

    void completeStep() {
        step++;
    }

    public void requestStop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /** What a checkpoint of this run at the current step records besides the networks. */
    public CheckpointState checkpointState() {
        return new CheckpointState(dev.gan.io.Checkpoints.FORMAT_VERSION, Version.get(), step, epoch, batchesDrawn,
                config.seed(), config.model().type(), shape, classNames, Instant.now().toString(),
                new CheckpointState.Augment(augment.p(), augment.signSum(), augment.count()));
    }
}
