package dev.gan.step;

import dev.gan.model.EpsCapture;
import dev.gan.model.GanShape;
import dev.gan.model.Labels;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * The {@code dl4j} engine: one GAN update on two separate DL4J graphs through their own layers, as pytorch/examples
 * dcgan does it:
 * <ol>
 *   <li>D step: D on the real batch (for ns, label 1 - smoothing) and, in a separate pass so that BatchNorm sees
 *       each batch on its own, on the detached fake batch (label 0); on the steps it is due, the R1 phase
 *       ({@link R1Penalty}) on the same reals; the gradients are added and D's Adam runs once.</li>
 *   <li>G step: D (not updated) scores the same fakes with G's loss - for ns, against label 1, the non-saturating
 *       loss - and the gradient it sends back to its input, captured by {@link EpsCapture}, is what {@code G.fit}
 *       propagates through G with G's own Adam.</li>
 * </ol>
 * Every pass of D starts from the {@link Objective}'s loss through {@link Dl4jPasses}.
 * No parameters are ever copied between networks (shared/DL4J-NOTES.md sections 0 and 2). With a
 * {@link DiffAugment}, D sees every batch - real, fake, and the fakes of the G step - augmented, and the G step's
 * gradient is mapped back through the augmentation before it reaches G. Under spectral norm every training pass of a
 * network is bracketed by {@link SpectralNorm#beginTrainingPass} and {@link SpectralNorm#endTrainingPass}; G keeps
 * W / sigma from the forward pass that made the fakes to its update, as the fast engine does.
 */
public final class Dl4jStep implements TrainingStep {
    /** This engine's name in training.engine. */
    public static final String NAME = "dl4j";

    private final ComputationGraph g;
    private final ComputationGraph d;
    private final GanShape shape;
    private final EpsCapture inputGradient;
    private final Dl4jPasses passes;
    private final Objective objective;
    private final DiffAugment augment;
    private final LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    private INDArray realGradient;
    private final SpectralNorm gNorm, dNorm;
    private final FrozenBlocks dFrozen;

    public Dl4jStep(ComputationGraph g, ComputationGraph d, GanShape shape, Objective objective,
                   DiffAugment augment, SpectralNorm gNorm, SpectralNorm dNorm) {
        this(g, d, shape, objective, augment, gNorm, dNorm, FrozenBlocks.NONE);
    }

    /** With D's first blocks frozen (training.freeze_d). */
    public Dl4jStep(ComputationGraph g, ComputationGraph d, GanShape shape, Objective objective,
                   DiffAugment augment, SpectralNorm gNorm, SpectralNorm dNorm, FrozenBlocks dFrozen) {
        this.dFrozen = dFrozen;
        this.gNorm = gNorm;
        this.dNorm = dNorm;
        this.augment = augment;
        this.g = g;
        this.d = d;
        this.shape = shape;
        this.passes = new Dl4jPasses(d);
        this.inputGradient = passes.inputGradient();
        this.objective = objective;
        // Adam state must exist before the first manual update, and outside any workspace
        d.getUpdater(true);
        g.getUpdater(true);
    }

    @Override
    public Fakes discriminatorStep(INDArray real, int[] realLabels, INDArray z, int[] fakeLabels, SplittableRandom rng,
                                   StepTimes times) {
        int b = (int) real.size(0);
        long t0 = System.nanoTime();
        gNorm.beginTrainingPass();   // G keeps W / sigma until its update
        INDArray fake = g.outputSingle(true, Labels.generatorInputs(shape, z, fakeLabels));
        long t1 = System.nanoTime();
        INDArray realSeen = augment == null ? real : augment.apply(real, rng).images();
        INDArray fakeSeen = augment == null ? fake : augment.apply(fake, rng).images();

        dNorm.beginTrainingPass();
        Dl4jPasses.Pass onReal = passes.run(Labels.discriminatorInputs(shape, realSeen, realLabels), objective.real(),
                objective.loss());
        dNorm.endTrainingPass(true);
        if (augment != null) augment.probability().observeReal(onReal.meanSign(), b);
        INDArray grad = d.gradient().gradient();
        if (realGradient == null) realGradient = grad.dup();
        else realGradient.assign(grad);
        R1Penalty r1 = objective.r1();
        if (r1 != null && r1.due(d.getIterationCount())) regularize(r1, realSeen, realLabels);

        dNorm.beginTrainingPass();
        Dl4jPasses.Pass onFake = passes.run(Labels.discriminatorInputs(shape, fakeSeen, fakeLabels),
                objective.loss().fake(), objective.loss());
        dNorm.endTrainingPass(true);
        Gradient total = d.gradient();
        total.gradient().addi(realGradient);
        // the updater turns the summed minibatch gradient into Adam's update in place (dividing by b)
        d.getUpdater().update(total, d.getIterationCount(), d.getEpochCount(), b, noWorkspaces);
        dFrozen.holdUpdates();
        d.params().subi(total.gradient());
        BaseOptimizer.incrementIterationCount(d, 1);
        long t2 = System.nanoTime();
        if (times != null) times.add(t1 - t0, t2 - t1, 0, 0);
        return new Fakes(z, fakeLabels, fake, onReal.loss() + onFake.loss(), onReal.shown(), onFake.shown());
    }

    /**
     * The R1 phase's minibatch-sum gradient of D's parameters on these (already augmented) reals, as a new array:
     * the phase as the D step runs it, on its own, for checking it against a reference. Needs an objective with R1.
     */
    public INDArray r1Gradient(INDArray real, int[] labels) {
        realGradient = d.params().like().assign(0);
        regularize(objective.r1(), real, labels);
        return realGradient.dup();
    }

    /**
     * The Dreg phase: adds R1's minibatch-sum parameter gradient to the real pass's gradient by the finite difference
     * of {@link R1Penalty}, from three passes of D with dLoss/dOutput = 1: g = grad_x sum D, then grad_theta at
     * x +- e g with D's LeakyReLU masks frozen at x ({@link FrozenActivations}).
     */
    private void regularize(R1Penalty r1, INDArray real, int[] labels) {
        try (FrozenActivations activations = new FrozenActivations(d)) {
            passes.run(Labels.discriminatorInputs(shape, real, labels), LogitFunction.SUM, objective.loss());
            INDArray g = inputGradient.captured().dup();
            double e = R1Penalty.epsilon(g);
            if (e == 0) return;   // D is flat at the reals: no penalty, no gradient
            activations.freeze();
            passes.run(Labels.discriminatorInputs(shape, real.add(g.mul(e)), labels), LogitFunction.SUM,
                    objective.loss());
            INDArray plus = d.gradient().gradient().dup();
            passes.run(Labels.discriminatorInputs(shape, real.sub(g.mul(e)), labels), LogitFunction.SUM,
                    objective.loss());
            r1.accumulate(realGradient, plus, d.gradient().gradient(), e);
        }
    }

    @Override
    public StepStats generatorStep(Fakes f, SplittableRandom rng, StepTimes times) {
        long t0 = System.nanoTime();
        DiffAugment.Applied aug = augment == null ? null : augment.apply(f.images(), rng);
        // D in training mode; its parameters are not touched
        dNorm.beginTrainingPass();
        double lossG = passes.run(Labels.discriminatorInputs(shape, aug == null ? f.images() : aug.images(), f.labels()),
                objective.loss().generator(), objective.loss()).loss();
        dNorm.endTrainingPass(false);
        INDArray dLossDFake = aug == null ? inputGradient.captured() : aug.backprop(inputGradient.captured());
        long t1 = System.nanoTime();
        // G.fit's own steps, spelled out so that spectral norm can act between the gradient and the update
        g.setInputs(Labels.generatorInputs(shape, f.z(), f.labels()));
        g.setLabels(dLossDFake);
        g.computeGradientAndScore();
        gNorm.endTrainingPass(true);
        Gradient gGrad = g.gradient();
        g.getUpdater().update(gGrad, g.getIterationCount(), g.getEpochCount(), (int) f.z().size(0), noWorkspaces);
        g.params().subi(gGrad.gradient());
        BaseOptimizer.incrementIterationCount(g, 1);
        long t2 = System.nanoTime();
        if (times != null) times.add(0, 0, t1 - t0, t2 - t1);
        return new StepStats(f.lossD(), lossG, f.dReal(), f.dFake());
    }

    @Override
    public Fakes regenerate(Fakes f) {
        gNorm.beginTrainingPass();
        INDArray images = g.outputSingle(true, Labels.generatorInputs(shape, f.z(), f.labels()));
        return new Fakes(f.z(), f.labels(), images, f.lossD(), f.dReal(), f.dFake());
    }

    @Override
    public String engine() {
        return NAME;
    }
}
