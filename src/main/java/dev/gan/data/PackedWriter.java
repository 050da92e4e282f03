package dev.gan.data;

import dev.gan.Sha256;
import dev.gan.system.TempFiles;
import dev.gan.system.Version;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a packed file ({@link PackedFile}) image by image, so that memory holds one buffer whatever the dataset size.
 * The pixels go to a temporary file in the target's folder after room left for the header; {@link #finish} appends
 * the labels, writes the header (now that the count and the SHA-256 are known), syncs and renames the file into
 * place: a reader, a crash or a full disk never leaves half a packed file under the target's name. {@link #close}
 * without {@link #finish} removes the temporary file; one left by a killed writer is removed by the next writer of
 * the same target ({@link TempFiles}).
 */
public final class PackedWriter implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private final MessageDigest sha;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    private final int channels;
    private final int size;
    private final List<String> classNames;
    private final String source;
    private final String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    private final long pixelsOffset;
    private int[] labels = new int[1024];
    private long count;
    private boolean finished;
    private final TempFiles.Removed removedStale;

    /** A writer of {@code size x size} images of {@code channels}; labelled when {@code classNames} is not empty. */
    public PackedWriter(Path target, int channels, int size, List<String> classNames, String source) throws IOException {
        this.target = target;
        this.channels = channels;
        this.size = size;
        this.classNames = List.copyOf(classNames);
        this.source = source;
        sha = Sha256.digest();
        // room for the largest header these fields can make: every number at its widest
        PackedHeader widest = header(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, "0".repeat(64), Long.MAX_VALUE);
        long region = PackedFile.PREAMBLE + json(widest).length;
        pixelsOffset = (region + PackedFile.ALIGN - 1) / PackedFile.ALIGN * PackedFile.ALIGN;
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // what killed writers of this target left (a pack of a large folder leaves gigabytes), then a name of this
        // process's own (two sweep runs may pack the same cache file at once), created with the user's umask like
        // any file they write (createTempFile would make it private to them)
        removedStale = TempFiles.removeStale(target);
        tmp = Files.createFile(TempFiles.beside(target));
        channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
        channel.position(pixelsOffset);
    }

    /** The temporaries of killed writers of the same target that this writer removed before it began. */
    public TempFiles.Removed removedStale() {
        return removedStale;
    }

    private boolean labelled() {
        return !classNames.isEmpty();
    }

    /** Appends one image: {@code channels x size x size} bytes of {@code chw} from {@code off}, and its class. */
    public void add(byte[] chw, int off, int label) throws IOException {
        put(chw, off, channels * size * size);
        if (count == labels.length) labels = Arrays.copyOf(labels, labels.length * 2);
        labels[(int) count++] = label;
    }

    public long count() {
        return count;
    }

    /** Writes the labels and the header, syncs, and renames the file into place; returns the header written. */
    public PackedHeader finish(long skippedCount) throws IOException {
        if (count == 0) throw new IllegalStateException("no images to pack");
        long pixelsBytes = count * channels * size * size;
        if (labelled()) {
            byte[] le = new byte[4];
            ByteBuffer b = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                b.clear();
                b.putInt(labels[i]);
                put(le, 0, 4);
            }
        }
        flush();
        PackedHeader h = header(count, pixelsOffset + pixelsBytes, skippedCount, Sha256.hex(sha),
                pixelsBytes);
        byte[] json = json(h);
        byte[] region = new byte[(int) pixelsOffset];
        Arrays.fill(region, (byte) ' ');
        ByteBuffer pre = ByteBuffer.wrap(region).order(ByteOrder.LITTLE_ENDIAN);
        pre.put(PackedFile.MAGIC).putLong(pixelsOffset - PackedFile.PREAMBLE).put(json);
        ByteBuffer all = ByteBuffer.wrap(region);
        long at = 0;
        while (all.hasRemaining()) at += channel.write(all, at);
        channel.force(true);
        channel.close();
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        finished = true;
        return h;
    }

    private PackedHeader header(long n, long labelsOffset, long skipped, String sha256, long pixelsBytes) {
        return new PackedHeader(PackedFile.FORMAT, PackedFile.VERSION, n, channels, size, size, "NCHW", "uint8",
                pixelsOffset, pixelsBytes, labelled() ? labelsOffset : null, labelled() ? "int32le" : null,
                classNames, source, skipped, sha256, created, "gan " + Version.get());
    }

    private static byte[] json(PackedHeader h) throws IOException {
        return PackedFile.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(h).getBytes(StandardCharsets.UTF_8);
    }

    private void put(byte[] src, int off, int len) throws IOException {
        sha.update(src, off, len);
        while (len > 0) {
            if (!buffer.hasRemaining()) flush();
            int n = Math.min(len, buffer.remaining());
            buffer.put(src, off, n);
            off += n;
            len -= n;
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) channel.write(buffer);
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        if (finished) return;
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
