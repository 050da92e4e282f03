package dev.gan.step.fast;

import dev.gan.model.BceWithLogitsLoss;
import dev.gan.model.ExternalGradientLoss;
import dev.gan.model.GanShape;
import dev.gan.model.Labels;
import dev.gan.step.DiffAugment;
import dev.gan.step.FrozenBlocks;
import dev.gan.step.Objective;
import dev.gan.step.R1Penalty;
import dev.gan.step.SpectralNorm;
import dev.gan.step.StepStats;
import dev.gan.step.StepTimes;
import dev.gan.step.TrainingStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * The GAN step of {@link dev.gan.step.Dl4jStep} - same passes, same losses, same updates - run by {@link FastNet}s
 * on libnd4j ops with arrays kept across steps, directly on the graphs' parameters, gradients and updaters:
 * <ol>
 *   <li>D step: D on the real batch (its loss for reals: for ns, target 1 - smoothing) and, in a separate pass so
 *       that BatchNorm sees each batch on its own, on the detached fakes; on the steps it is due, the R1 phase
 *       ({@link R1Penalty}) on the same reals; the gradients are added and D's updater runs once.</li>
 *   <li>G step: D, in training mode and not updated, scores the same fakes with G's loss; dLoss/dFake goes back
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
    private final Objective objective;
    private final LogitLoss loss;
    private final Buffer realGradient = new Buffer(), r1Plus = new Buffer(), ones = new Buffer();
    /** The fakes G's kept activations belong to: the only ones a generator step can backprop through. */
    private Fakes current;
    private final DiffAugment augment;

    /** Checks both graphs before it touches either; throws when the fast engine does not cover one of them. */
    public FastStep(ComputationGraph g, ComputationGraph d, GanShape shape, Objective objective, DiffAugment augment,
                    SpectralNorm gNorm, SpectralNorm dNorm) throws NotCovered {
        this(g, d, shape, objective, augment, gNorm, dNorm, FrozenBlocks.NONE);
    }

    /** With D's first blocks frozen (training.freeze_d). */
    public FastStep(ComputationGraph g, ComputationGraph d, GanShape shape, Objective objective, DiffAugment augment,
                    SpectralNorm gNorm, SpectralNorm dNorm, FrozenBlocks dFrozen) throws NotCovered {
        this(g, d, shape, objective, augment, gNorm, dNorm, dFrozen, Precision.FP32);
    }

    /** With D's first blocks frozen (training.freeze_d) and convolutions in {@code precision} (training.precision). */
    public FastStep(ComputationGraph g, ComputationGraph d, GanShape shape, Objective objective, DiffAugment augment,
                    SpectralNorm gNorm, SpectralNorm dNorm, FrozenBlocks dFrozen, Precision precision)
            throws NotCovered {
        this.augment = augment;
        NetCompiler.Plan gPlan = GraphCompiler.plan(g, "generator", ExternalGradientLoss.class, precision);
        NetCompiler.Plan dPlan = GraphCompiler.plan(d, "discriminator", BceWithLogitsLoss.class, precision);
        if (dPlan.chainInput() != 0) {
            // D's backprop returns the gradient of its chain's input, and the G step needs the image's (input 0)
            String image = d.getConfiguration().getNetworkInputs().get(0);
            throw new NotCovered("discriminator", image, "an input that does not lead the chain of layers");
        }
        this.g = new FastNet(gPlan, gNorm, FrozenBlocks.NONE);
        this.g.fuseNormRectifiers();   // G's activations are never frozen
        this.d = new FastNet(dPlan, dNorm, dFrozen);
        this.shape = shape;
        this.objective = objective;
        this.loss = new LogitLoss(objective.loss());
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
        LogitLoss.Scored onReal = loss.score(d.forward(Labels.discriminatorInputs(shape, realSeen, realLabels)),
                objective.real());
        if (augment != null) augment.probability().observeReal(onReal.meanSign(), b);
        d.backwardToParameters(onReal.gradient());
        INDArray realGrads = realGradient.of(d.gradients().shape());
        HostArrays.copy(d.gradients(), realGrads);
        R1Penalty r1 = objective.r1();
        if (r1 != null && r1.due(d.iterations())) regularize(r1, realSeen, realLabels, realGrads);

        // D's weights are those of the pass on the reals (R1's passes leave them as they are)
        LogitLoss.Scored onFake = loss.score(d.forwardOnSameWeights(Labels.discriminatorInputs(shape, fakeSeen,
                fakeLabels)), objective.loss().fake());
        d.backwardToParameters(onFake.gradient());
        HostArrays.addInto(d.gradients(), realGrads);
        d.update(b);
        long t2 = System.nanoTime();
        if (times != null) times.add(t1 - t0, t2 - t1, 0, 0);
        current = new Fakes(z, fakeLabels, fake, onReal.loss() + onFake.loss(), onReal.shown(), onFake.shown());
        return current;
    }

    /**
     * The R1 phase's minibatch-sum gradient of D's parameters on these (already augmented) reals, as a new array:
     * the phase as the D step runs it, on its own, for checking it against a reference. Needs an objective with R1.
     */
    public INDArray r1Gradient(INDArray real, int[] labels) {
        INDArray sum = d.gradients().like().assign(0);
        regularize(objective.r1(), real, labels, sum);
        return sum;
    }

    /**
     * The Dreg phase: adds R1's minibatch-sum parameter gradient to {@code sum} by the finite difference of
     * {@link R1Penalty}, from three passes of D with dLoss/dOutput = 1: g = grad_x sum D, then grad_theta at x +- e g
     * with D's activation masks frozen at x.
     */
    private void regularize(R1Penalty r1, INDArray real, int[] labels, INDArray sum) {
        int b = (int) real.size(0);
        INDArray one = ones.of(b, 1).assign(1);
        d.forward(Labels.discriminatorInputs(shape, real, labels));
        INDArray g = d.backward(one).dup();
        double e = R1Penalty.epsilon(g);
        if (e == 0) return;   // D is flat at the reals: no penalty, no gradient
        d.freezeActivations(true);
        try {
            d.forward(Labels.discriminatorInputs(shape, real.add(g.mul(e)), labels));
            d.backwardToParameters(one);
            INDArray plus = r1Plus.of(d.gradients().shape()).assign(d.gradients());
            d.forward(Labels.discriminatorInputs(shape, real.sub(g.mul(e)), labels));
            d.backwardToParameters(one);
            r1.accumulate(sum, plus, d.gradients(), e);
        } finally {
            d.freezeActivations(false);
        }
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
        LogitLoss.Scored scored = loss.score(d.forward(Labels.discriminatorInputs(shape, seen, f.labels())),
                objective.loss().generator());
        INDArray dLossDSeen = d.backwardToInput(scored.gradient());   // D's parameters are not updated
        INDArray dLossDFake = aug == null ? dLossDSeen : aug.backprop(dLossDSeen);
        long t1 = System.nanoTime();
        g.backwardToParameters(dLossDFake);
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
