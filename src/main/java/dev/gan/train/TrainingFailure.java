package dev.gan.train;

/** Training cannot go on (it diverged, or a health check was told to stop it); the message says what to try. */
public class TrainingFailure extends RuntimeException {
    public TrainingFailure(String message) {
        super(message);
    }
}
