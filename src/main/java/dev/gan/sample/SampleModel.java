package dev.gan.sample;

import dev.gan.UserException;
import dev.gan.generate.SamplingGenerator;
import dev.gan.io.CheckpointState;
import dev.gan.io.Checkpoints;
import dev.gan.model.GanShape;
import dev.gan.system.Backend;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.nio.file.Path;
import java.util.List;

/**
 * A generator loaded from a checkpoint for sampling, with what the checkpoint says about it (shape, classes, step).
 * Loading goes through {@link Checkpoints#read}, which opens the file read-only and accepts only known entries, so
 * sampling never changes a checkpoint and never deserializes a Java object from it. The generator is the
 * checkpoint's EMA generator when it has one, unless {@code raw} asks for the trained one ({@link SamplingGenerator}).
 *
 * @param file      the checkpoint file
 * @param state     its state.json
 * @param generator the generator to sample from
 * @param which     which generator that is
 */
public record SampleModel(Path file, CheckpointState state, ComputationGraph generator, SamplingGenerator which) {

    /** Loads a checkpoint file, or the latest checkpoint of a run directory; the EMA generator unless {@code raw}. */
    public static SampleModel load(Path checkpointOrRunDir, boolean raw) {
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
        SamplingGenerator which = SamplingGenerator.of(ck, raw);
        return new SampleModel(file, s, which.graph(), which);
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
