package dev.gan.train.listeners;

import dev.gan.io.Checkpoints;
import dev.gan.step.StepStats;
import dev.gan.train.TrainingFailure;
import dev.gan.train.TrainingListener;
import dev.gan.train.TrainingRun;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code checkpoints/step-NNNNNN.zip} every {@code output.checkpoint_every} steps, and when the run completes or is
 * stopped; never after a failure, so the newest checkpoint is always one from healthy training.
 */
public final class CheckpointWriter implements TrainingListener {
    private long lastWritten = -1;

    @Override
    public void onStep(TrainingRun run, StepStats stats, double seconds) {
        if (run.step() % run.config().output().checkpointEvery() == 0) write(run);
    }

    @Override
    public void onEnd(TrainingRun run, Outcome outcome) {
        if (outcome != Outcome.FAILED && lastWritten != run.step() && run.step() > run.startStep()) write(run);
    }

    /**
     * A checkpoint that cannot be written (a full disk, most often) stops the run with one line: the new file went to a
     * temporary name that is removed, and older checkpoints are pruned only after a success, so the previous one is
     * intact and the run resumes from it.
     */
    private void write(TrainingRun run) {
        try {
            Checkpoints.write(run.dir().checkpoints(), run.checkpointState(), run.configYaml(), run.generator(),
                    run.discriminator(), run.checkpointExtras(),
                    run.config().output().keepCheckpoints());
        } catch (UncheckedIOException e) {
            List<Path> kept = Checkpoints.stepFiles(run.dir().checkpoints());
            String full = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            String why = full.contains("No space left on device") ? "the disk is full" : full;
            String previous = kept.isEmpty() ? "there is no earlier checkpoint: the run cannot be resumed"
                    : "the previous checkpoint " + kept.get(kept.size() - 1) + " is intact";
            throw new TrainingFailure(Checkpoints.fileFor(run.dir().checkpoints(), run.step()) + ": cannot write the "
                    + "checkpoint of step " + run.step() + " (" + why + "); " + previous + (kept.isEmpty() ? ""
                    : "; free some space and resume with gan train --resume " + run.dir().root()));
        }
        lastWritten = run.step();
    }
}
