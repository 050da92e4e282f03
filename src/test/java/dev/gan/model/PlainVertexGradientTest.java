package dev.gan.model;

import dev.gan.system.Backend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written backward passes of the conditioning vertices against central finite differences (doubles). */
class PlainVertexGradientTest {
    @BeforeAll
    static void init() {
        Backend.init();
    }

    @Test
    void classAffine() {
        Nd4j.getRandom().setSeed(3);
        check(new ClassAffine(), Nd4j.randn(DataType.DOUBLE, 2, 3, 2, 2), Nd4j.randn(DataType.DOUBLE, 2, 3),
                Nd4j.randn(DataType.DOUBLE, 2, 3));
    }

    @Test
    void rowDot() {
        Nd4j.getRandom().setSeed(4);
        check(new RowDot(), Nd4j.randn(DataType.DOUBLE, 3, 5), Nd4j.randn(DataType.DOUBLE, 3, 5));
    }

    /** Loss = sum(output * w) for a fixed random w; every input element perturbed by +-1e-6. */
    private static void check(PlainVertex op, INDArray... in) {
        INDArray w = Nd4j.randn(DataType.DOUBLE, op.outputShape(in));
        INDArray[] grads = new INDArray[in.length];
        for (int i = 0; i < in.length; i++) grads[i] = Nd4j.create(DataType.DOUBLE, in[i].shape());
        op.backward(in, w, grads);
        double h = 1e-6;
        for (int i = 0; i < in.length; i++) {
            INDArray flat = in[i].reshape(in[i].length());
            for (long j = 0; j < flat.length(); j++) {
                double v = flat.getDouble(j);
                flat.putScalar(j, v + h);
                double up = loss(op, in, w);
                flat.putScalar(j, v - h);
                double down = loss(op, in, w);
                flat.putScalar(j, v);
                assertEquals((up - down) / (2 * h), grads[i].reshape(grads[i].length()).getDouble(j), 1e-7,
                        op.getClass().getSimpleName() + " input " + i + " element " + j);
            }
        }
    }

    private static double loss(PlainVertex op, INDArray[] in, INDArray w) {
        INDArray out = Nd4j.create(DataType.DOUBLE, op.outputShape(in));
        op.forward(in, out);
        return out.mul(w).sumNumber().doubleValue();
    }
}
