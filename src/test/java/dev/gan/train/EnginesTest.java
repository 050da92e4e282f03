package dev.gan.train;

import dev.gan.TestRuns;
import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.data.Datasets;
import dev.gan.data.ImageSet;
import dev.gan.generate.Noise;
import dev.gan.io.RunDirectory;
import dev.gan.io.RunLog;
import dev.gan.model.GanShape;
import dev.gan.model.Labels;
import dev.gan.step.StepStats;
import dev.gan.system.Backend;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * training.engine: the fast and the DL4J engine train the same networks the same way through {@link Trainer}, auto
 * falls back to DL4J for a model the fast engine does not cover, and fast on such a model is a one-line config
 * error.
 */
class EnginesTest {
    /*
     * Tolerances, relative (||fast - dl4j|| / ||dl4j||, or per number for the step statistics), and why.
     * One pass of the two engines differs by 1e-7..1e-6 (FastNetNumericsTest: dense gemm layout, loss on the host).
     * Training feeds such differences back through both players, and this tiny run is sensitive to them: the DL4J
     * engine against itself, with its weights perturbed by 1e-7, ends 10 steps (depending on the perturbation)
     * either within 1e-7 or with one discriminator bias having taken a visibly different Adam step - losses 2.6e-6
     * apart, D's Adam state 2.3e-4. Fast against DL4J measured the same: losses 2.6e-6, parameters 7e-6, Adam
     * state 4.5e-4, G's inference output 4e-5 (and all below 1e-6 with d_steps = g_steps = 2). Each tolerance sits
     * well above that noise and well below what a real difference does within 10 steps: a missed or doubled
     * BatchNorm statistics update, a stale activation, an Adam step off by the batch size or an iteration moves
     * losses and parameters by 1e-3 or more, the Adam state by O(1), inference output by 1e-2.
     */
    private static final double LOSSES = 1e-4, PARAMETERS = 1e-4, ADAM_STATE = 1e-2, INFERENCE_OUTPUT = 1e-3;
    private static final int STEPS = 10;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "tiny config {0}")
    @ValueSource(strings = {"as is", "training.d_steps=2,training.g_steps=2,training.label_smoothing=0.1",
            "model.spectral_norm=d,model.d_batch_norm=false",
            "model.spectral_norm=gd,model.d_batch_norm=false,training.ema.kimg=0.5,training.g_steps=2",
            "training.loss=hinge",
            "training.loss=lsgan,training.label_smoothing=0.1",
            "training.loss=wgan,training.r1_gamma=1,training.r1_every=2,model.d_batch_norm=false",
            // not cutout: its squares of exact zeros meet D's zero initial biases, and at z == 0 exactly DL4J's
            // LeakyReLU derivative is not the fast engine's (PyTorch's: alpha), a difference of the engines
            // that predates augment_p
            "training.loss=hinge,training.augment=color,translation,training.augment_p=0.5",
            // ada_kimg 0.2: p moves by 16 * 4 / 200 = 0.32 every 4 D steps, so these 10 steps see several values
            "training.augment=color,translation,training.augment_p=auto,training.ada_kimg=0.2",
            // a projection D ends in a LossLayer, whose loss the dl4j engine swaps for hinge as it does an OutputLayer's
            "model.type=cgan,model.conditioning=projection,training.loss=hinge"})
    void fastAndDl4jEnginesGiveTheSameTrajectory(String sets) throws Exception {
        Trained dl4j = train("dl4j", sets), fast = train("fast", sets);
        assertEquals("dl4j", dl4j.engine);
        assertEquals("fast", fast.engine);
        assertEquals(dl4j.augmentP, fast.augmentP, "augment_p");
        double worst = 0;
        for (int i = 0; i < STEPS; i++) {
            double[] a = dl4j.stats.get(i), b = fast.stats.get(i);
            for (int k = 0; k < a.length; k++) {
                double err = Math.abs(a[k] - b[k]) / Math.max(Math.abs(a[k]), 1e-3);
                worst = Math.max(worst, err);
                assertTrue(err <= LOSSES, "step " + (i + 1) + " stat " + k + ": " + a[k] + " vs " + b[k]);
            }
        }
        double params = Math.max(rel(dl4j.g.params(), fast.g.params()), rel(dl4j.d.params(), fast.d.params()));
        double adam = Math.max(rel(dl4j.g.updaterState(), fast.g.updaterState()),
                rel(dl4j.d.updaterState(), fast.d.updaterState()));
        // sample grids come from G in inference mode: BatchNorm's running statistics must have moved the same way
        INDArray z = Noise.normal(3, Noise.FIXED, 8, dl4j.shape.latentSize());
        int[] labels = new int[8];
        double samples = rel(dl4j.g.outputSingle(false, Labels.generatorInputs(dl4j.shape, z, labels)),
                fast.g.outputSingle(false, Labels.generatorInputs(fast.shape, z, labels)));
        // spectral norm's u vectors and the EMA generator are state too: the engines must move them the same way
        double vectors = 0, ema = 0;
        var uv1 = dl4j.stabilisers.vectors();
        var uv2 = fast.stabilisers.vectors();
        assertEquals(uv1.keySet(), uv2.keySet());
        for (String net : uv1.keySet()) {
            for (String layer : uv1.get(net).keySet()) {
                for (int k = 0; k < 2; k++) {
                    vectors = Math.max(vectors, rel(org.nd4j.linalg.factory.Nd4j.createFromArray(uv1.get(net).get(layer)[k]),
                            org.nd4j.linalg.factory.Nd4j.createFromArray(uv2.get(net).get(layer)[k])));
                }
            }
        }
        if (dl4j.stabilisers.ema() != null) {
            ema = rel(dl4j.stabilisers.emaGraph().params(), fast.stabilisers.emaGraph().params());
            assertTrue(rel(dl4j.stabilisers.emaGraph().params(), dl4j.g.params()) > 1e-3, "the EMA is not G");
        }
        System.out.printf(Locale.ROOT, "[%s] after %d steps: losses/D(x)/D(G(z)) %.2e, parameters %.2e, Adam state "
                + "%.2e, G inference output %.2e, spectral-norm vectors %.2e, EMA generator %.2e (relative)%n", sets,
                STEPS, worst, params, adam, samples, vectors, ema);
        assertTrue(vectors <= PARAMETERS, "spectral-norm vectors " + vectors);
        assertTrue(ema <= PARAMETERS, "EMA generator " + ema);
        assertTrue(params <= PARAMETERS, "parameters " + params);
        assertTrue(adam <= ADAM_STATE, "Adam state " + adam);
        assertTrue(samples <= INFERENCE_OUTPUT, "G inference output " + samples);
        assertEquals(dl4j.g.getIterationCount(), fast.g.getIterationCount());
        assertEquals(dl4j.d.getIterationCount(), fast.d.getIterationCount());
    }

    @Test
    void autoFallsBackToDl4jForAModelTheFastEngineDoesNotCover() throws Exception {
        assertEquals("fast", engineFor("training.engine=auto"));
        assertEquals("dl4j", engineFor("training.engine=auto", "model.d_dropout=0.3"));
        assertEquals("dl4j", engineFor("training.engine=auto", "model.d_minibatch_stddev=true"));
        assertEquals("dl4j", engineFor("training.engine=dl4j"));
        // spectral norm and the EMA generator act around the passes: the fast engine covers them
        assertEquals("fast", engineFor("training.engine=auto", "model.spectral_norm=gd", "model.d_batch_norm=false",
                "training.ema.kimg=1"));
        // the losses, R1 and adaptive augmentation are all the fast engine's too
        assertEquals("fast", engineFor("training.engine=auto", "training.loss=wgan", "training.r1_gamma=1",
                "model.d_batch_norm=false", "training.augment=color", "training.augment_p=auto"));
    }

    @Test
    void dryRunSaysWhichEngineWouldRunAndWhy() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "dry", "");
        assertTrue(gan("train", "--config", cfg.toString(), "--dry-run").out().contains("\nengine: fast\n"));
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--dry-run", "--set", "model.d_dropout=0.3");
        assertTrue(r.out().contains("\nengine: dl4j (training.engine auto: the fast engine does not cover the "
                + "discriminator's layer d_conv2 (ConvolutionLayer with dropout))\n"), r.out());
    }

    @Test
    void fastOnAnUncoveredModelNamesTheLayer() throws Exception {
        UserException e = assertThrows(UserException.class, () -> engineFor("training.engine=fast", "model.d_dropout=0.3"));
        assertEquals("training.engine is fast, but it does not cover the discriminator's layer d_conv2 "
                + "(ConvolutionLayer with dropout); set training.engine to auto (falls back to dl4j) or dl4j", e.getMessage());
    }

    @Test
    void fastOnAnUncoveredModelIsAConfigErrorBeforeAnyRunDirectory() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "uncovered", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "training.engine=fast",
                "--set", "model.d_minibatch_stddev=true");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("training.engine is fast, but it does not cover the discriminator's layer d_mbstd "
                + "(MinibatchStdDev); set training.engine to auto (falls back to dl4j) or dl4j", r.err().strip());
        assertFalse(Files.exists(tmp.resolve("runs")), "no run directory");
    }

    private String engineFor(String... sets) throws Exception {
        ExperimentConfig cfg = ConfigLoader.load(TestRuns.tinyConfig(tmp, "engine", ""), List.of(sets));
        GanShape shape = new GanShape(1, 28, cfg.model().latentSize(), 0);
        Networks nets = Networks.build(cfg, shape);
        return nets.engine(cfg, shape).step().engine();
    }

    private record Trained(String engine, GanShape shape, ComputationGraph g, ComputationGraph d,
                           dev.gan.step.Stabilisers stabilisers, List<double[]> stats, double augmentP) {
    }

    /** {@link #STEPS} steps of the tiny config through Trainer with one engine; the stats of every step. */
    private Trained train(String engine, String sets) throws Exception {
        List<String> overrides = new ArrayList<>(List.of("training.engine=" + engine));
        // keys are comma-separated; a comma inside a value (training.augment's policy) is not followed by a key
        if (!sets.equals("as is")) overrides.addAll(List.of(sets.split(",(?=[a-z_]+\\.)")));
        ExperimentConfig cfg = ConfigLoader.load(TestRuns.tinyConfig(tmp, engine, ""), overrides);
        Backend.init();
        ImageSet data = Datasets.load(cfg.data());
        GanShape shape = RunSetup.shapeFor(cfg, data);
        Networks nets = Networks.build(cfg, shape);
        List<double[]> stats = new ArrayList<>();
        try (RunLog log = new RunLog(tmp.resolve(engine + ".log"), new PrintStream(OutputStream.nullOutputStream()))) {
            TrainingRun run = new TrainingRun(cfg, "", shape, data.classNames(), nets.generator(), nets.discriminator(),
                    nets.stabilisers(), data, new RunDirectory(tmp.resolve(engine)), log, 0, 0, 0,
                    dev.gan.step.AugmentProbability.of(cfg.training()));
            Trainer trainer = new Trainer(run, List.of(), null);
            for (int i = 0; i < STEPS; i++) {
                StepStats s = trainer.oneStep();
                run.completeStep();
                stats.add(new double[]{s.lossD(), s.lossG(), s.dReal(), s.dFake()});
            }
            return new Trained(trainer.engine(), shape, nets.generator(), nets.discriminator(), nets.stabilisers(), stats,
                    run.augment().p());
        }
    }

    /** ||b - a|| / ||a||. */
    private static double rel(INDArray a, INDArray b) {
        return b.sub(a).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    }
}
