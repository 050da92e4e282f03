package dev.gan.io;

import dev.gan.UserException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One writer at a time per run directory or sweep folder: an exclusive OS file lock on {@code <dir>/.lock}, taken
 * before a command writes anything there and held until it ends. Two writers on one run would write the same
 * checkpoints, metrics and temporary files; the second one is stopped with one line naming the first.
 *
 * <p>The operating system drops the lock when its process ends in any way, {@code kill -9} included, so the file
 * left behind never blocks anyone: the lock is the truth, and the file's text (pid, host, start, command) only tells
 * the next writer who holds it. The file is never deleted: deleting it would let two processes lock two different
 * files of the same name.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";
    /**
     * The locks this JVM holds, by real path. On Linux closing any channel on a locked file drops the process's lock
     * on it, so a second channel on one of these files must never be opened here: this map answers instead.
     */
    private static final Map<Path, Holder> HELD = new ConcurrentHashMap<>();

    /** Who holds a lock, as its file says; null fields when the holder has not written them yet. */
    public record Holder(String pid, String host, String since, String command) {
        /** "gan train (pid 1234 on node7, since 2026-12-06T19:50:01Z)". */
        public String describe() {
            if (pid == null) return "another gan process (it has not written its pid yet)";
            return (command == null ? "gan" : command) + " (pid " + pid + (host == null ? "" : " on " + host)
                    + (since == null ? "" : ", since " + since) + ")";
        }
    }

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (which must exist) for {@code command} ("gan train"), or throws one line for exit code 2:
     * the folder, who holds it, and {@code advice} for that holder ("wait for it to finish, or stop it (kill 1234)
     * and resume").
     */
    public static RunLock acquire(Path dir, String command, Function<Holder, String> advice) {
        synchronized (HELD) {
            RunLock lock = tryAcquire(dir, command);
            if (lock != null) return lock;
            Path key = key(dir);
            Holder holder = HELD.containsKey(key) ? HELD.get(key) : read(key.resolve(FILE));
            throw new UserException(dir + ": in use by " + holder.describe() + "; " + advice.apply(holder));
        }
    }

    /** Locks {@code dir} (which must exist) for {@code command}, or returns null when another writer holds it. */
    public static RunLock tryAcquire(Path dir, String command) {
        Path key = key(dir);
        synchronized (HELD) {
            if (HELD.containsKey(key)) return null;
            FileChannel channel = null;
            try {
                channel = FileChannel.open(key.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;   // not through HELD: cannot happen, but is a holder all the same
                }
                if (lock == null) {
                    channel.close();   // safe: this process holds no lock on the file
                    return null;
                }
                Holder me = new Holder(Long.toString(ProcessHandle.current().pid()), host(),
                        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), command);
                byte[] text = ("pid=" + me.pid() + "\nhost=" + me.host() + "\nsince=" + me.since() + "\ncommand="
                        + me.command() + "\n").getBytes(StandardCharsets.UTF_8);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(text), 0);
                HELD.put(key, me);
                return new RunLock(key, channel, lock);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UncheckedIOException("cannot lock " + key.resolve(FILE) + ": " + e.getMessage(), e);
            }
        }
    }

    /** Who is writing {@code dir} now, or null when nobody is (a reader's check; it takes no lock for long). */
    public static Holder holder(Path dir) {
        if (!Files.isDirectory(dir)) return null;
        Path key = key(dir);
        synchronized (HELD) {
            Holder own = HELD.get(key);
            if (own != null) return own;
            Path file = key.resolve(FILE);
            if (!Files.exists(file)) return null;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    lock.release();
                    return null;
                }
            } catch (IOException e) {
                return null;   // an unreadable lock file locks nothing a reader cares about
            }
            return read(file);
        }
    }

    @Override
    public void close() {
        synchronized (HELD) {
            HELD.remove(key);
            try {
                lock.release();
            } catch (IOException e) {
                // closing the channel below releases it too
            }
            closeQuietly(channel);
        }
    }

    private static Holder read(Path file) {
        Map<String, String> fields = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            // the message says the holder is unknown
        }
        return new Holder(fields.get("pid"), fields.get("host"), fields.get("since"), fields.get("command"));
    }

    private static Path key(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UserException(dir + ": cannot open the folder to lock it (" + e.getMessage() + ")");
        }
    }

    /** The host name as the kernel has it: no DNS lookup, which can hang on a cluster node. */
    private static String host() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException ex) {
                return "unknown host";
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
