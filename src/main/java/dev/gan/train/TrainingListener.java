package dev.gan.train;

import dev.gan.step.StepStats;
/**
 * Behaviour around the plain training loop: logging, grids, plots, checkpoints, the health watch. Listeners run in
 * the order they were given, on the training thread.
 */
public interface TrainingListener {
    /** How a run ended. */
    enum Outcome {
        /** reached its last step */
        COMPLETED,
        /** asked to stop (Ctrl-C); resumable */
        STOPPED,
        /** an error or a failed health check stopped it; nothing more is written for the current step */
        FAILED
    }

    default void onStart(TrainingRun run) {
    }

    /** After a completed step; {@code run.step()} is its number (1-based). */
    default void onStep(TrainingRun run, StepStats stats, double seconds) {
    }

    default void onEnd(TrainingRun run, Outcome outcome) {
    }
}
