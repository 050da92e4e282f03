package dev.gan.step.fast;

import dev.gan.system.Backend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A context kept across calls lets go of its arrays after every op - a context that held on to them kept every
 * activation of a run alive, and resident memory grew each step without bound - and keeps its integer arguments, so
 * that the next call, on new arrays, computes the same op.
 */
class ContextOpTest {
    @BeforeAll
    static void init() {
        Backend.init();
    }

    @Test
    void keptContextDropsItsArraysAndKeepsItsArguments() {
        CustomOp conv = DynamicCustomOp.builder("conv2d").build();
        OpContext args = Nd4j.getExecutioner().buildContext();
        // 1x1 kernel, stride 1, no padding, dilation 1, explicit padding, NCHW, weights [oC, iC, kH, kW]
        args.setIArguments(1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1);
        INDArray w = Nd4j.ones(DataType.FLOAT, 1, 1, 1, 1).muli(3);
        for (int call = 1; call <= 3; call++) {
            INDArray x = Nd4j.ones(DataType.FLOAT, 2, 1, 4, 4).muli(call);
            INDArray y = Nd4j.create(DataType.FLOAT, 2, 1, 4, 4);
            args.setInputArray(0, x);
            args.setInputArray(1, w);
            args.setOutputArray(0, y);
            ContextOp.exec(conv, args);
            assertEquals(3.0 * call, y.meanNumber().doubleValue(), 1e-6, "call " + call);
            assertTrue(args.getInputArrays().isEmpty() && args.getOutputArrays().isEmpty(),
                    "the context still holds the arrays of call " + call);
            assertEquals(11, args.numIArguments(), "integer arguments survive the purge");
        }
    }
}
