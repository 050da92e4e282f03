package dev.gan.step;

import dev.gan.model.BceWithLogitsLoss;
import dev.gan.model.EpsCapture;
import dev.gan.model.GanModels;
import dev.gan.model.GanShape;
import dev.gan.model.Labels;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The {@code dl4j} engine: one GAN update on two separate DL4J graphs through their own layers, as pytorch/examples
 * dcgan does it:
 * <ol>
 *   <li>D step: D on the real batch (label 1 - smoothing) and, in a separate pass so that BatchNorm sees each batch
 *       on its own, on the detached fake batch (label 0); the two gradients are added and D's Adam runs once.</li>
 *   <li>G step: D (not updated) scores the same fakes against label 1 - the non-saturating loss - and the
 *       gradient it sends back to its input, captured by {@link EpsCapture}, is what G's backward pass
 *       propagates (G.fit's steps: gradient, G's own Adam, iteration count).</li>
 * </ol>
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
    private final BceWithLogitsLoss dLoss;
    private final float realLabel;
    private final DiffAugment augment;
    private final LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    private INDArray realGradient;
    private INDArray ones, zeros, realTargets;
    private final SpectralNorm gNorm, dNorm;

    public Dl4jStep(ComputationGraph g, ComputationGraph d, GanShape shape, double labelSmoothing,
                   DiffAugment augment, SpectralNorm gNorm, SpectralNorm dNorm) {
        this.gNorm = gNorm;
        this.dNorm = dNorm;
        this.augment = augment;
        this.g = g;
        this.d = d;
        this.shape = shape;
        this.inputGradient = GanModels.inputGradient(d);
        this.dLoss = GanModels.discriminatorLoss(d);
        this.realLabel = (float) (1.0 - labelSmoothing);
        // Adam state must exist before the first manual update, and outside any workspace
        d.getUpdater(true);
        g.getUpdater(true);
    }

    @Override
    public Fakes discriminatorStep(INDArray real, int[] realLabels, INDArray z, int[] fakeLabels, SplittableRandom rng,
                                   StepTimes times) {
        int b = (int) real.size(0);
        targets(b);
        long t0 = System.nanoTime();
        gNorm.beginTrainingPass();   // G keeps W / sigma until its update
        INDArray fake = g.outputSingle(true, Labels.generatorInputs(shape, z, fakeLabels));
        long t1 = System.nanoTime();
        INDArray realSeen = augment == null ? real : augment.apply(real, rng).images();
        INDArray fakeSeen = augment == null ? fake : augment.apply(fake, rng).images();

        d.setInputs(Labels.discriminatorInputs(shape, realSeen, realLabels));
        d.setLabels(realTargets);
        dNorm.beginTrainingPass();
        d.computeGradientAndScore();
        dNorm.endTrainingPass(true);
        double lossReal = d.score();
        double dReal = dLoss.lastMeanProbability();
        INDArray grad = d.gradient().gradient();
        if (realGradient == null) realGradient = grad.dup();
        else realGradient.assign(grad);

        d.setInputs(Labels.discriminatorInputs(shape, fakeSeen, fakeLabels));
        d.setLabels(zeros);
        dNorm.beginTrainingPass();
        d.computeGradientAndScore();
        dNorm.endTrainingPass(true);
        double lossFake = d.score();
        double dFake = dLoss.lastMeanProbability();
        Gradient total = d.gradient();
        total.gradient().addi(realGradient);
        // the updater turns the summed minibatch gradient into Adam's update in place (dividing by b)
        d.getUpdater().update(total, d.getIterationCount(), d.getEpochCount(), b, noWorkspaces);
        d.params().subi(total.gradient());
        BaseOptimizer.incrementIterationCount(d, 1);
        long t2 = System.nanoTime();
        if (times != null) times.add(t1 - t0, t2 - t1, 0, 0);
        return new Fakes(z, fakeLabels, fake, lossReal + lossFake, dReal, dFake);
    }

    @Override
    public StepStats generatorStep(Fakes f, SplittableRandom rng, StepTimes times) {
        long t0 = System.nanoTime();
        DiffAugment.Applied aug = augment == null ? null : augment.apply(f.images(), rng);
        d.setInputs(Labels.discriminatorInputs(shape, aug == null ? f.images() : aug.images(), f.labels()));
        d.setLabels(ones);
        dNorm.beginTrainingPass();
        d.computeGradientAndScore();   // D in training mode; its parameters are not touched
        dNorm.endTrainingPass(false);
        double lossG = d.score();
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

    private void targets(int b) {
        if (ones != null && ones.size(0) == b) return;
        ones = Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, b, 1);
        zeros = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, b, 1);
        realTargets = Nd4j.valueArrayOf(new long[]{b, 1}, realLabel);
    }
}
