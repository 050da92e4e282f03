package dev.gan.io;

import dev.gan.system.TempFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file under a temporary name in the same folder, syncs it, then renames it over the target: a reader or
 * a crash sees the old file or the new one, never half of one. Every file a run rewrites goes through here.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer writer) {
        write(target, writer, true);
    }

    /**
     * Renamed into place like {@link #write} (never half a file under the name), but not forced to disk: for the
     * thousands of small files of a dataset export, where a sync per file would cost more than making the image.
     */
    public static void writeUnsynced(Path target, Writer writer) {
        write(target, writer, false);
    }

    private static void write(Path target, Writer writer, boolean sync) {
        Path dir = target.toAbsolutePath().getParent();
        // named after this process: two writers never share it, and a killed writer's leftover can be told dead
        Path tmp = TempFiles.ofProcess(target);
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            if (sync) {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write already failed; report that
            }
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
