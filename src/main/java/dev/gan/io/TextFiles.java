package dev.gan.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Files that grow a line at a time and are never rewritten (command.txt, a sweep run's console.txt): appending keeps
 * what earlier attempts wrote, which a resumed or re-queued run must not lose.
 */
public final class TextFiles {
    private TextFiles() {
    }

    /** Appends {@code line} and a newline, creating the file if needed. */
    public static void appendLine(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
