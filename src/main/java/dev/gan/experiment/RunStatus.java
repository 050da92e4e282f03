package dev.gan.experiment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gan.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code status.json} of one run of a sweep: where it stands, how its last attempt ended, how long its attempts took.
 * A run without the file is pending; {@code running} found on disk means the sweep itself was killed, and is
 * treated like {@code interrupted}.
 *
 * @param state    pending, running, done, failed or interrupted
 * @param exitCode exit code of the last training process (-1 before the first ends)
 * @param attempts training processes started for this run
 * @param wallSeconds wall time of all attempts together
 * @param started  when the last attempt started (ISO-8601), or null
 * @param finished when the last attempt ended (ISO-8601), or null
 */
public record RunStatus(String state, int exitCode, int attempts, double wallSeconds, String started, String finished) {
    public static final String FILE = "status.json";
    public static final String PENDING = "pending", RUNNING = "running", DONE = "done", FAILED = "failed",
            INTERRUPTED = "interrupted";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static RunStatus pending() {
        return new RunStatus(PENDING, -1, 0, 0, null, null);
    }

    /** The status in a run directory; pending when there is none (or it is unreadable: the run is redone). */
    public static RunStatus read(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) return pending();
        try {
            RunStatus s = JSON.readValue(file.toFile(), RunStatus.class);
            return s.state() == null ? pending() : s;
        } catch (IOException e) {
            return pending();
        }
    }

    public void write(Path runDir) {
        try {
            AtomicFiles.writeString(runDir.resolve(FILE), JSON.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The run has to be (re)started by this sweep invocation. */
    public boolean toRun(boolean retryFailed) {
        return switch (state) {
            case DONE -> false;
            case FAILED -> retryFailed;
            default -> true;
        };
    }

    public RunStatus started(String when) {
        return new RunStatus(RUNNING, exitCode, attempts + 1, wallSeconds, when, null);
    }

    public RunStatus ended(String newState, int code, double seconds, String when) {
        return new RunStatus(newState, code, attempts, wallSeconds + seconds, started, when);
    }
}
