package dev.gan.train.fast;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUBp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A layer's activation function with the libnd4j ops DL4J's {@link IActivation}s run, but writing into arrays the
 * caller keeps: IActivation works in place on its input, and ActivationReLU's backprop allocates its result.
 */
abstract class Nonlinearity {
    static final Nonlinearity IDENTITY = new Nonlinearity() {
        @Override
        void forward(INDArray z, INDArray y) {
            throw new IllegalStateException("identity has no forward op: use z");
        }

        @Override
        INDArray backward(INDArray z, INDArray gradOut) {
            return gradOut;
        }
    };

    /** The nonlinearity of {@code fn}, or null when the fast engine has none for it. */
    static Nonlinearity of(IActivation fn) {
        if (fn instanceof ActivationIdentity) return IDENTITY;
        if (fn instanceof ActivationTanH) return new Nonlinearity() {
            @Override
            void forward(INDArray z, INDArray y) {
                Nd4j.exec(new Tanh(z, y));
            }

            @Override
            INDArray backward(INDArray z, INDArray gradOut) {
                Nd4j.exec(new TanhDerivative(z, gradOut, z));
                return z;
            }
        };
        if (fn instanceof ActivationLReLU l) return new Nonlinearity() {
            @Override
            void forward(INDArray z, INDArray y) {
                Nd4j.exec(new LeakyReLU(z, y, l.getAlpha()));
            }

            @Override
            INDArray backward(INDArray z, INDArray gradOut) {
                Nd4j.exec(new LeakyReLUBp(z, gradOut, z, l.getAlpha()));
                return z;
            }
        };
        if (fn instanceof ActivationReLU r && r.getMax() == null && r.getThreshold() == null
                && r.getNegativeSlope() == null) return new Nonlinearity() {
            @Override
            void forward(INDArray z, INDArray y) {
                Nd4j.exec(new RectifiedLinear(z, y));
            }

            @Override
            INDArray backward(INDArray z, INDArray gradOut) {
                Nd4j.exec(new RectifiedLinearDerivative(z, gradOut, z, 0.0));
                return z;
            }
        };
        return null;
    }

    boolean isIdentity() {
        return this == IDENTITY;
    }

    /** y = f(z). */
    abstract void forward(INDArray z, INDArray y);

    /** dLoss/dz from dLoss/dy, written over z (the pre-activation is not needed after backprop). */
    abstract INDArray backward(INDArray z, INDArray gradOut);
}
