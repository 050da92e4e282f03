package dev.gan.step.fast;

import dev.gan.model.BceWithLogitsLoss;
import dev.gan.model.ExternalGradientLoss;
import dev.gan.model.GanShape;
import dev.gan.model.Labels;
import dev.gan.step.DiffAugment;
import dev.gan.step.SpectralNorm;
import dev.gan.step.StepStats;
import dev.gan.step.StepTimes;
import dev.gan.step.TrainingStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * The GAN step of {@link dev.gan.train.Dl4jStep} - same passes, same losses, same updates - run by {@link FastNet}s
 * on libnd4j ops with arrays kept across steps, directly on the graphs' parameters, gradients and updaters:
 * <ol>
 *   <li>D step: D on the real batch (target 1 - smoothing) and, in a separate pass so that BatchNorm sees each batch
 *       on its own, on the detached fakes (target 0); the gradients are added and D's updater runs once.</li>
 *   <li>G step: D, in training mode and not updated, scores the same fakes against target 1; dLoss/dFake goes back
 *       through G from the activations of the forward pass that made the fakes (DL4J's {@code G.fit} repeats that
 *       pass and gets the same numbers), then G's updater runs once.</li>
 * </ol>
 */
public final class FastStep implements TrainingStep {
    /** This engine's name in training.engine. */
    public static final String NAME = "fast";

    private final FastNet g;
    private final FastNet d;
    private final GanShape shape;
    private final double realTarget;
    private final LogitLoss loss = new LogitLoss();
    private final Buffer realGradient = new Buffer();
    /** The fakes G's kept activations belong to: the only ones a generator step can backprop through. */
    private Fakes current;
    private final DiffAugment augment;

    /** Checks both graphs before it touches either; throws when the fast engine does not cover one of them. */
    public FastStep(ComputationGraph g, ComputationGraph d, GanShape shape, double labelSmoothing, DiffAugment augment,
                    SpectralNorm gNorm, SpectralNorm dNorm) throws NotCovered {
        this.augment = augment;
        NetCompiler.Plan gPlan = GraphCompiler.plan(g, "generator", ExternalGradientLoss.class);
        NetCompiler.Plan dPlan = GraphCompiler.plan(d, "discriminator", BceWithLogitsLoss.class);
        if (dPlan.chainInput() != 0) {
            // D's backprop returns the gradient of its chain's input, and the G step needs the image's (input 0)
            String image = d.getConfiguration().getNetworkInputs().get(0);
            throw new NotCovered("discriminator", image, "an input that does not lead the chain of layers");
        }
        this.g = new FastNet(gPlan, gNorm);
        this.d = new FastNet(dPlan, dNorm);
        this.shape = shape;
        this.realTarget = 1.0 - labelSmoothing;
    }

    @Override
    public Fakes discriminatorStep(INDArray real, int[] realLabels, INDArray z, int[] fakeLabels, SplittableRandom rng,
                                   StepTimes times) {
        int b = (int) real.size(0);
        long t0 = System.nanoTime();
        INDArray fake = g.forward(Labels.generatorInputs(shape, z, fakeLabels));
        long t1 = System.nanoTime();

        // augmented copies: the fakes themselves stay G's output, which the generator step backpropagates from
        INDArray realSeen = augment == null ? real : augment.apply(real, rng).images();
        INDArray fakeSeen = augment == null ? fake : augment.apply(fake, rng).images();
        LogitLoss.Scored onReal = loss.score(d.forward(Labels.discriminatorInputs(shape, realSeen, realLabels)), realTarget);
        d.backward(onReal.gradient());
        INDArray realGrads = realGradient.of(d.gradients().shape()).assign(d.gradients());

        LogitLoss.Scored onFake = loss.score(d.forward(Labels.discriminatorInputs(shape, fakeSeen, fakeLabels)), 0.0);
        d.backward(onFake.gradient());
        d.gradients().addi(realGrads);
        d.update(b);
        long t2 = System.nanoTime();
        if (times != null) times.add(t1 - t0, t2 - t1, 0, 0);
        current = new Fakes(z, fakeLabels, fake, onReal.loss() + onFake.loss(), onReal.meanProbability(),
                onFake.meanProbability());
        return current;
    }

    @Override
    public StepStats generatorStep(Fakes f, SplittableRandom rng, StepTimes times) {
        if (f != current) {
            throw new IllegalStateException("generator step on fakes that are not G's last forward pass: "
                    + "regenerate them first");
        }
        int b = (int) f.images().size(0);
        long t0 = System.nanoTime();
        DiffAugment.Applied aug = augment == null ? null : augment.apply(f.images(), rng);
        INDArray seen = aug == null ? f.images() : aug.images();
        LogitLoss.Scored scored = loss.score(d.forward(Labels.discriminatorInputs(shape, seen, f.labels())), 1.0);
        INDArray dLossDSeen = d.backward(scored.gradient());   // D's parameters are not updated
        INDArray dLossDFake = aug == null ? dLossDSeen : aug.backprop(dLossDSeen);
        long t1 = System.nanoTime();
        g.backward(dLossDFake);
        g.update(b);
        current = null;   // G's kept activations are for its old weights now
        long t2 = System.nanoTime();
        if (times != null) times.add(0, 0, t1 - t0, t2 - t1);
        return new StepStats(f.lossD(), scored.loss(), f.dReal(), f.dFake());
    }

    @Override
    public Fakes regenerate(Fakes f) {
        INDArray images = g.forward(Labels.generatorInputs(shape, f.z(), f.labels()));
        current = new Fakes(f.z(), f.labels(), images, f.lossD(), f.dReal(), f.dFake());
        return current;
    }

    @Override
    public String engine() {
        return NAME;
    }
}
