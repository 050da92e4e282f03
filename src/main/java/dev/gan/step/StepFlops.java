package dev.gan.step;

import dev.gan.config.TrainingConfig;
import dev.gan.model.GanShape;
import dev.gan.model.NetworkMacs;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The floating-point operations of one training step ({@code Trainer.oneStep}: d_steps D updates, then g_steps G
 * updates), by the convention of the GAN-step benchmark, so that a step's rate can be set against the machine's
 * matrix-multiply rate: 2 x the multiply-adds of conv/deconv/dense layers ({@link NetworkMacs}); a backward pass =
 * 2 x its forward pass (input gradient and weight gradient), minus the input gradient of a network's first layers
 * where no gradient has to reach the network's inputs. Per image, with F = a network's forward multiply-adds, E =
 * those of its first layers and L = those of its label embeddings (E and L as {@link NetworkMacs} defines them):
 * <ul>
 *   <li>each D update: G forward once for the fakes (F_G); D forward + backward on the reals and on the fakes,
 *       with no input gradient (2 x (3 F_D - E_D)); on the D updates R1 is due, its three passes on the reals (the
 *       first back to the image, 3 F_D - L_D; the other two for the weights, 2 x (3 F_D - E_D)), spread over
 *       r1_every updates as a mean per update;</li>
 *   <li>each G update: D forward + backward down to the image (3 F_D - L_D: both engines compute D's weight
 *       gradients in this pass too, though nothing reads them), then G backward from the same forward pass that
 *       made the fakes (2 F_G - E_G); every G update after the first regenerates the fakes first (F_G).</li>
 * </ul>
 * The counted work is what the step needs, the same for both engines, so that their rates compare on the same
 * work: the fast engine computes exactly this plus the first layers' input gradients (its conv2d_bp and dense
 * backward return them unasked); the dl4j engine also repeats G's forward pass in each G update
 * ({@code computeGradientAndScore}). With a lazy R1 (r1_every > 1) the figure is the mean over steps, while a
 * median step time is mostly of steps without the R1 phase. Not counted: BatchNorm, activations, pooling, losses,
 * Adam, the EMA, spectral norm's power iterations, DiffAugment.
 */
public final class StepFlops {
    private StepFlops() {
    }

    /** FLOPs of one training step of these networks under {@code t} (batch size, d_steps, g_steps, R1). */
    public static double perStep(ComputationGraph g, ComputationGraph d, GanShape shape, TrainingConfig t) {
        return perStep(NetworkMacs.generator(g, shape), NetworkMacs.discriminator(d, shape), t);
    }

    static double perStep(NetworkMacs g, NetworkMacs d, TrainingConfig t) {
        double dForwardBackward = 3.0 * d.forward() - d.entry();
        double dToImage = 3.0 * d.forward() - d.labelEntry();
        double r1 = t.r1Gamma() > 0 ? (dToImage + 2 * dForwardBackward) / t.r1Every() : 0;
        double dUpdate = g.forward() + 2 * dForwardBackward + r1;
        double gUpdate = dToImage + 2.0 * g.forward() - g.entry();
        double macsPerImage = t.dSteps() * dUpdate + t.gSteps() * gUpdate + (t.gSteps() - 1.0) * g.forward();
        return 2 * macsPerImage * t.batchSize();
    }
}
