package dev.gan.data;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The pixel section of a packed file, memory-mapped read-only. A {@link MappedByteBuffer} addresses at most 2^31
 * bytes, so a larger section is mapped as several chunks, each a whole number of images (an image never straddles
 * two chunks, so reading one is a single bulk copy). The mapping costs no Java heap: its pages are the kernel's page
 * cache, read from disk on first touch, shared by every process that maps the file and dropped under memory pressure.
 */
public final class MappedPixels implements PixelStore {
    /** Largest chunk: a whole number of images under 1 GiB (smaller than the 2 GiB limit, so tests can reach 2). */
    static final long MAX_CHUNK = 1L << 30;
    private final MappedByteBuffer[] chunks;
    private final long chunkBytes;
    private final long size;

    /** Maps {@code length} bytes of {@code file} from {@code offset}, in chunks of whole {@code imageBytes} images. */
    public MappedPixels(Path file, long offset, long length, int imageBytes) throws IOException {
        this(file, offset, length, imageBytes, MAX_CHUNK);
    }

    MappedPixels(Path file, long offset, long length, int imageBytes, long maxChunk) throws IOException {
        this.chunkBytes = Math.max(1, maxChunk / imageBytes) * imageBytes;
        this.size = length;
        int n = (int) ((length + chunkBytes - 1) / chunkBytes);
        chunks = new MappedByteBuffer[n];
        // the mappings stay valid after the channel is closed
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int k = 0; k < n; k++) {
                long start = k * chunkBytes;
                chunks[k] = ch.map(FileChannel.MapMode.READ_ONLY, offset + start, Math.min(chunkBytes, length - start));
            }
        }
    }

    @Override
    public void read(long pos, byte[] dst, int off, int len) {
        while (len > 0) {
            int k = (int) (pos / chunkBytes), at = (int) (pos % chunkBytes);
            int n = Math.min(len, chunks[k].capacity() - at);
            chunks[k].get(at, dst, off, n);   // absolute bulk get: no shared position, so threads may read at once
            pos += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public long size() {
        return size;
    }

    /** Number of mappings (tests check that large sets use several). */
    int chunks() {
        return chunks.length;
    }
}
