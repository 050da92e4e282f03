package dev.gan.model;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.BaseInputPreProcessor;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

/**
 * A pass-through step on D's image input that keeps a copy of dLoss/dImage during backprop. The generator step needs
 * exactly that gradient, and DL4J 1.0.0-M2.1 offers no other safe way to read it: input epsilons live in layer
 * workspaces that are closed by the time backprop returns (shared/DL4J-NOTES.md section 2.2-2.3).
 *
 * <p>Serialized by class name inside every discriminator checkpoint: moving or renaming this class breaks loading
 * old checkpoints.
 */
public class EpsCapture extends BaseInputPreProcessor {
    @JsonIgnore
    private transient INDArray captured;

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr mgr) {
        return mgr.leverageTo(ArrayType.ACTIVATIONS, input);
    }

    @Override
    public INDArray backprop(INDArray epsilon, int miniBatchSize, LayerWorkspaceMgr mgr) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            if (captured == null || !java.util.Arrays.equals(captured.shape(), epsilon.shape())) {
                captured = epsilon.dup();
            } else {
                captured.assign(epsilon);   // reuse the buffer: one copy per step, no allocation
            }
        }
        return mgr.leverageTo(ArrayType.ACTIVATION_GRAD, epsilon);
    }

    /** dLoss/dImage of the last backward pass (sum over the batch, as DL4J output layers produce). */
    @JsonIgnore
    public INDArray captured() {
        return captured;
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        return inputType;
    }

    @Override
    public EpsCapture clone() {
        return new EpsCapture();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EpsCapture;
    }

    @Override
    public int hashCode() {
        return EpsCapture.class.hashCode();
    }
}
