package dev.gan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code gan} in a child JVM (this test JVM's java and class path), for what needs a second process: a
 * second writer holding a lock, a {@code kill -9} in the middle of a command.
 */
public final class GanProcess {
    private final Process process;
    private final Path output;

    private GanProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code gan args...} with one OpenMP thread; its standard output and error go to {@code output}. */
    public static GanProcess start(Path output, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx512m",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), "dev.gan.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        return new GanProcess(pb.start(), output);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** {@code kill -9} of the process and of any child it started (a sweep's trainers), as a node going down. */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        process.descendants().forEach(p -> p.onExit().join());
    }

    /** Waits for the end (at most {@code seconds}) and returns the exit code. */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            kill();
            throw new AssertionError("gan did not end within " + seconds + " s: " + output());
        }
        return process.exitValue();
    }

    /** Polls {@code done} every 50 ms while the process lives, at most {@code seconds}; true when it came true. */
    public boolean await(java.util.function.BooleanSupplier done, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) return true;
            if (!process.isAlive()) return done.getAsBoolean();
            Thread.sleep(50);
        }
        return false;
    }

    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
