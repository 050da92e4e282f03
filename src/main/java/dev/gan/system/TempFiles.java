package dev.gan.system;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary files written beside their target and renamed over it when complete, named after the process that
 * writes them: {@code .<target name>.<pid>@<host>.<random>.tmp}, or without the random part ({@link #ofProcess}).
 * Two writers of one target never share a temporary, and a writer killed before its rename (kill -9, a lost node)
 * leaves a file whose owner can be told dead: the next writer of that target, or of that run, removes it. A
 * temporary of a live process, or of another host (a shared file system), is left alone. Names without a host
 * (written by earlier versions) count as this host's.
 */
public final class TempFiles {
    private static final String HOST = host();

    private TempFiles() {
    }

    /** A fresh temporary name for {@code target}, in its folder, carrying this process's pid and host. */
    public static Path beside(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.getParent().resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "@" + HOST + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
    }

    /**
     * This process's one temporary name for {@code target}: {@code .<target name>.<pid>@<host>.tmp}. For writers
     * that never write one target twice at once within a process (a run's files, under its run lock), so the name
     * can be known in advance.
     */
    public static Path ofProcess(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.getParent().resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "@" + HOST
                + ".tmp");
    }

    /**
     * Deletes the temporaries of {@code target} whose writer, a process of this host, has ended; returns what it
     * deleted with their sizes. A file it cannot delete (permissions, already gone) is skipped.
     */
    public static Removed removeStale(Path target) {
        Path abs = target.toAbsolutePath();
        return remove(abs.getParent(), "." + globSafe(abs.getFileName()) + ".*.tmp",
                Pattern.quote(abs.getFileName().toString()));
    }

    /**
     * Deletes every temporary in {@code dir}, of any target, whose writer on this host has ended: for a folder that
     * gets new file names as it goes (a run's {@code step-N.zip} checkpoints and grids), where the next writer of the
     * same name may never come.
     */
    public static Removed removeStaleIn(Path dir) {
        return remove(dir.toAbsolutePath(), ".*.tmp", ".+");
    }

    private static Removed remove(Path dir, String glob, String targetRegex) {
        List<Path> gone = new ArrayList<>();
        long bytes = 0;
        if (!Files.isDirectory(dir)) return new Removed(dir, gone, 0);
        Pattern name = Pattern.compile("\\." + targetRegex
                + "\\.([0-9]+)(?:@([A-Za-z0-9_-]+))?(?:\\.[0-9a-f]+)?\\.tmp");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
            for (Path f : files) {
                Matcher m = name.matcher(f.getFileName().toString());
                if (!m.matches() || (m.group(2) != null && !m.group(2).equals(HOST))) continue;
                long pid = Long.parseLong(m.group(1));
                if (pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try {
                    long size = Files.size(f);
                    if (Files.deleteIfExists(f)) {
                        gone.add(f);
                        bytes += size;
                    }
                } catch (IOException e) {
                    // not ours to force: leave it
                }
            }
        } catch (IOException e) {
            // an unreadable folder: the write itself will say what is wrong
        }
        return new Removed(dir, List.copyOf(gone), bytes);
    }

    /** What {@link #removeStale} deleted. */
    public record Removed(Path dir, List<Path> files, long bytes) {
        public boolean any() {
            return !files.isEmpty();
        }

        /** One line for the console. */
        public String line() {
            return String.format(Locale.ROOT, "removed %d temporary file%s (%.1f MB) left in %s by a writer that was "
                    + "killed", files.size(), files.size() == 1 ? "" : "s", bytes / 1e6, dir);
        }
    }

    /** The file name with glob metacharacters escaped, for a directory filter. */
    private static String globSafe(Path fileName) {
        return fileName.toString().replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    /** This host's name as the kernel has it, reduced to [A-Za-z0-9_-] to fit the file name ("host" if unknown). */
    private static String host() {
        String h = null;
        try {
            h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            h = System.getenv("HOSTNAME");
        }
        if (h == null || h.isBlank()) h = "host";
        return h.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
