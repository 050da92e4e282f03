package dev.gan.step.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * An array kept from step to step and allocated again only when the shape it must have changes (a new batch size):
 * allocating every activation and gradient each step is what made DL4J's step slow (shared/PERF-NOTES.md section 3).
 * Allocated outside any workspace, so that it outlives whatever scope asks for it.
 */
final class Buffer {
    private INDArray array;

    INDArray of(long... shape) {
        if (array == null || !Arrays.equals(array.shape(), shape)) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                array = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
            }
        }
        return array;
    }
}
