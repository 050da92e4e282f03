package dev.gan.experiment;

/**
 * Slurm could not do what a sweep asked: no Slurm client on the PATH or a job Slurm refuses (exit code 2: fix the
 * setup or the plan's {@code slurm:} section), or a controller that does not answer (exit code 1: try again later).
 * The message is one line naming the command, what Slurm said and what to do.
 */
public final class SlurmException extends RuntimeException {
    private final int exitCode;

    SlurmException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** 2 for a setup or plan problem, 1 for a controller that cannot be reached. */
    public int exitCode() {
        return exitCode;
    }
}
