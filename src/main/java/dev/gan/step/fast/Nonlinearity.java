package dev.gan.step.fast;

import dev.gan.step.fast.dnnl.Dnnl;
import dev.gan.step.fast.dnnl.RectifierKernels;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A layer's activation function, in training mode, on arrays kept across steps. Each layer gets its own instance:
 * it keeps what its backward pass needs.
 *
 * <p>Not IActivation's ops everywhere: in M2.1's CPU build the LeakyReLU op and its derivative run at ~7 ns and
 * ~12 ns per element, 10-20x the cost of a multiply (measured on DCGAN-64's first D layer: 28 + 46 ms of a single
 * pass at 1 thread, against 4 + 2 ms here). Leaky and plain ReLU run on oneDNN's eltwise primitives instead
 * ({@link RectifierKernels}, one pass each way, backprop from the output), and a mask, 1 where z > 0 and alpha
 * elsewhere, is made only when R1 freezes them; both give DL4J's numbers bit for bit. Tanh keeps DL4J's ops: the custom (oneDNN) tanh is 4x faster but off by up to 1.2e-7
 * absolute, which is 1e-5 relative on a young generator's near-zero outputs, for ~3 ms per DCGAN-64 step.
 */
abstract class Nonlinearity {
    /** The instances created on this thread while {@link #collect} runs: how a FastNet finds its own. */
    private static final ThreadLocal<java.util.List<Nonlinearity>> CREATED = new ThreadLocal<>();

    /** A fresh instance for one layer, or null when the fast engine has none for {@code fn}. */
    static Nonlinearity of(IActivation fn) {
        Nonlinearity n = create(fn);
        java.util.List<Nonlinearity> created = CREATED.get();
        if (n != null && created != null) created.add(n);
        return n;
    }

    private static Nonlinearity create(IActivation fn) {
        if (fn instanceof ActivationIdentity) return new Identity();
        if (fn instanceof ActivationTanH) return new Tanh();
        if (fn instanceof ActivationLReLU l) return new Masked(l.getAlpha());
        if (fn instanceof ActivationReLU r && r.getMax() == null && r.getThreshold() == null
                && r.getNegativeSlope() == null) return new Masked(0.0);
        return null;
    }

    /** Runs {@code build} and returns the instances it created (on this thread). */
    static java.util.List<Nonlinearity> collect(Runnable build) {
        java.util.List<Nonlinearity> created = new java.util.ArrayList<>();
        CREATED.set(created);
        try {
            build.run();
        } finally {
            CREATED.remove();
        }
        return created;
    }

    /**
     * Frozen, a (leaky) ReLU keeps the mask of its last unfrozen forward pass: the network is then the linear map
     * it was around that input, which R1's finite difference needs (see dev.gan.step.R1Penalty). Identity has
     * nothing to freeze; tanh does not freeze (R1 refuses networks where it would matter: D has no tanh).
     */
    void freeze(boolean frozen) {
    }

    /** Whether this is a plain ReLU. */
    boolean relu() {
        return false;
    }

    /** f(z); may overwrite z (the layer keeps no other use for it). */
    abstract INDArray forward(INDArray z);

    /** dLoss/dz for the last forward pass, from dLoss/dOutput. */
    abstract INDArray backward(INDArray gradOut);

    private static final class Identity extends Nonlinearity {
        @Override
        INDArray forward(INDArray z) {
            return z;
        }

        @Override
        INDArray backward(INDArray gradOut) {
            return gradOut;
        }
    }

    private static final class Tanh extends Nonlinearity {
        private final Buffer output = new Buffer();
        private INDArray z;

        @Override
        INDArray forward(INDArray z) {
            this.z = z;
            INDArray y = output.of(z.shape());
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh(z, y));
            return y;
        }

        @Override
        INDArray backward(INDArray gradOut) {
            // DL4J's derivative op, from z; z is not needed after this
            Nd4j.exec(new TanhDerivative(z, gradOut, z));
            return z;
        }
    }

    private static final class Masked extends Nonlinearity {
        private final double alpha;
        private final Buffer mask = new Buffer(), gradient = new Buffer();
        /** oneDNN's kernels for the last length; null before the first pass. */
        private RectifierKernels kernels;
        private long kernelsLength;
        /** The last unfrozen forward pass's output, from which its backward pass (and a freeze) reads the mask. */
        private INDArray y;
        /** Frozen: the mask of the last unfrozen pass, 1 where z > 0 and alpha elsewhere. */
        private INDArray m;
        private boolean frozen;

        Masked(double alpha) {
            this.alpha = alpha;
        }

        @Override
        boolean relu() {
            return alpha == 0;
        }

        @Override
        void freeze(boolean frozen) {
            if (frozen && !this.frozen && y != null) {
                // y > 0 exactly where z > 0: the mask of the pass that made y
                m = mask.of(y.shape());
                Nd4j.exec(new Step(y, m, 0.0));
                if (alpha != 0) Nd4j.exec(new ScalarMax(m, null, m, alpha));
            }
            this.frozen = frozen;
        }

        @Override
        INDArray forward(INDArray z) {
            if (frozen) {
                Nd4j.exec(new MulOp(z, m, z));
                return z;
            }
            if (!Dnnl.plain(z)) throw new IllegalStateException("not plain: " + z.shapeInfoToString());
            kernels(z.length()).forward(z);
            y = z;
            return z;
        }

        @Override
        INDArray backward(INDArray gradOut) {
            INDArray g = gradient.of(gradOut.shape());
            if (frozen) {
                Nd4j.exec(new MulOp(gradOut, m, g));
                return g;
            }
            kernels.backward(y, Dnnl.plain(gradOut) ? gradOut : gradOut.dup('c'), g);
            return g;
        }

        private RectifierKernels kernels(long length) {
            if (kernels == null || kernelsLength != length) {
                if (kernels != null) kernels.close();
                kernels = new RectifierKernels(length, alpha);
                kernelsLength = length;
            }
            return kernels;
        }
    }
}
