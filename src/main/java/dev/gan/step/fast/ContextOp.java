package dev.gan.step.fast;

import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a libnd4j op on an {@link OpContext} that a stage keeps from step to step. Every
 * {@code setInputArray}/{@code setOutputArray} makes libnd4j allocate a native array header that holds a reference
 * to the array's buffer, and the context frees those headers only when purged (or itself freed): a context reused
 * without {@link OpContext#purge()} kept every array it ever saw alive - new activations each step, so resident
 * memory grew by megabytes a step without bound. DL4J's own oneDNN helpers purge their kept contexts the same way.
 */
final class ContextOp {
    private ContextOp() {
    }

    static void exec(CustomOp op, OpContext args) {
        try {
            Nd4j.exec(op, args);
        } finally {
            args.purge();
        }
    }
}
