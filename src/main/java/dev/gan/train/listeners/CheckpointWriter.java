package dev.gan.train.listeners;

import dev.gan.io.Checkpoints;
import dev.gan.step.StepStats;
import dev.gan.train.TrainingListener;
import dev.gan.train.TrainingRun;

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

    private void write(TrainingRun run) {
        Checkpoints.write(run.dir().checkpoints(), run.checkpointState(), run.configYaml(), run.generator(),
                run.discriminator(), run.checkpointExtras(), run.config().output().keepCheckpoints());
        lastWritten = run.step();
    }
}
