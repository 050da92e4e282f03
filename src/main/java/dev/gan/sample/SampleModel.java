package dev.gan.sample;

import dev.gan.UserException;
import dev.gan.io.CheckpointState;
import dev.gan.io.Checkpoints;
import dev.gan.model.GanShape;
import dev.gan.train.Backend;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.nio.file.Path;
import java.util.List;

/**
 * A generator loaded from a checkpoint for sampling, with what the checkpoint says about it (shape, classes, step).
 * Loading goes through {@link Checkpoints#read}, which opens the file read-only and accepts only known entries, so
 * sampling never changes a checkpoint and never deserializes a Java object from it.
 */
public record SampleModel(Path file, CheckpointState state, ComputationGraph generator) {

    /** Loads a checkpoint file, or the latest checkpoint of a run directory. */
    public static SampleModel load(Path checkpointOrRunDir) {
        Backend.init();
        Path file = Checkpoints.resolve(checkpointOrRunDir);
        Checkpoints.Checkpoint ck = Checkpoints.read(file, false);
        CheckpointState s = ck.state();
        int k = s.shape().numClasses();
        int named = s.classNames() == null ? 0 : s.classNames().size();
        if (k > 0 && named != k) {
            throw new UserException(file + ": corrupt gan checkpoint: state.json names " + named + " classes but the "
                    + "model has " + k + "; use an earlier checkpoint");
        }
        return new SampleModel(file, s, ck.generator());
    }

    public GanShape shape() {
        return state.shape();
    }

    public boolean conditional() {
        return state.shape().conditional();
    }

    public List<String> classNames() {
        return state.classNames() == null ? List.of() : state.classNames();
    }

    public long step() {
        return state.step();
    }

    /** The run directory this checkpoint belongs to ({@code <run>/checkpoints/step-N.zip}), or null. */
    public Path runDir() {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("checkpoints")
                ? parent.getParent() : null;
    }
}
