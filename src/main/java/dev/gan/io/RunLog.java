package dev.gan.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * What a run says: every line goes to {@code log.txt} with a timestamp, and to the console unless a progress bar owns
 * the terminal (then the bar shows the numbers and the file keeps the lines).
 */
public final class RunLog implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final PrintStream console;
    private final BufferedWriter file;
    private volatile boolean quietConsole;

    public RunLog(Path logFile, PrintStream console) {
        this.console = console;
        try {
            this.file = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** While true, lines go only to the file (a progress bar is drawing on the console). */
    public void quietConsole(boolean quiet) {
        this.quietConsole = quiet;
    }

    public PrintStream console() {
        return console;
    }

    public synchronized void info(String line) {
        if (!quietConsole) console.println(line);
        toFile(line);
    }

    /** Warnings always reach the console, even under a progress bar. */
    public synchronized void warn(String line) {
        console.println("WARNING: " + line);
        toFile("WARNING: " + line);
    }

    private void toFile(String line) {
        try {
            file.write(LocalDateTime.now().format(TIME) + "  " + line + "\n");
            file.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
