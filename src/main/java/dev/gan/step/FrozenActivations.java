package dev.gan.step;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * For the dl4j engine's R1 phase: D's LeakyReLUs, for the length of the phase, replaced by ones that can be frozen
 * - keep the mask (1 where z > 0, alpha elsewhere) of the pass before they were frozen - so that D is the linear map
 * it is around the real batch and R1's finite difference is exact ({@link R1Penalty}). The fast engine's
 * LeakyReLUs freeze the same way. The layers' own activations are put back at the end, so a checkpoint never holds
 * these.
 */
final class FrozenActivations implements AutoCloseable {
    private final List<org.deeplearning4j.nn.conf.layers.Layer> confs = new ArrayList<>();
    private final List<IActivation> originals = new ArrayList<>();
    private final List<Masked> swapped = new ArrayList<>();

    /** Swaps every LeakyReLU of {@code d} for a freezable one, in recording mode. */
    FrozenActivations(ComputationGraph d) {
        for (Layer layer : d.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            IActivation fn = activation(conf);
            if (fn instanceof ActivationLReLU l) {
                Masked m = new Masked(l.getAlpha());
                set(conf, m);
                confs.add(conf);
                originals.add(fn);
                swapped.add(m);
            }
        }
    }

    private static IActivation activation(org.deeplearning4j.nn.conf.layers.Layer conf) {
        if (conf instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) return b.getActivationFn();
        if (conf instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer a) return a.getActivationFn();
        return null;
    }

    private static void set(org.deeplearning4j.nn.conf.layers.Layer conf, IActivation fn) {
        if (conf instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) b.setActivationFn(fn);
        else ((org.deeplearning4j.nn.conf.layers.ActivationLayer) conf).setActivationFn(fn);
    }

    /** From now on every LeakyReLU applies the mask of its last pass. */
    void freeze() {
        for (Masked m : swapped) m.frozen = true;
    }

    /** Puts the layers' own activations back. */
    @Override
    public void close() {
        for (int i = 0; i < confs.size(); i++) set(confs.get(i), originals.get(i));
    }

    /** LeakyReLU as z * mask, with the mask kept from the last forward pass made before freezing. */
    private static final class Masked extends BaseActivationFunction {
        private final double alpha;
        private INDArray mask;
        private boolean frozen;

        Masked(double alpha) {
            this.alpha = alpha;
        }

        @Override
        public INDArray getActivation(INDArray in, boolean training) {
            if (!frozen) {
                try (var ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    mask = in.ulike();
                    Nd4j.exec(new Step(in, mask, 0.0));
                    Nd4j.exec(new ScalarMax(mask, null, mask, alpha));
                }
            }
            return in.muli(mask);
        }

        @Override
        public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
            // the mask of the forward pass this backward pass belongs to (DL4J's backward follows its forward)
            return new Pair<>(epsilon.muli(mask), null);
        }

        @Override
        public String toString() {
            return "frozen-able leakyrelu(" + alpha + ")";
        }
    }
}
