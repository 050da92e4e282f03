package dev.gan.data;

/**
 * Where an {@link ImageSet}'s pixels live: a Java array ({@link Heap}) for sets decoded in memory, or the pixel
 * section of a memory-mapped packed file ({@link MappedPixels}), which keeps a dataset of any size off the Java heap
 * and in the page cache the kernel shares between runs. Addresses are longs so that a store may exceed 2^31 bytes.
 */
public interface PixelStore {
    /** Copies {@code len} bytes starting at byte {@code pos} into {@code dst} at {@code off}; safe from any thread. */
    void read(long pos, byte[] dst, int off, int len);

    /** Bytes held. */
    long size();

    /**
     * Pixels in one Java array.
     *
     * @param array the bytes, image after image
     */
    record Heap(byte[] array) implements PixelStore {
        @Override
        public void read(long pos, byte[] dst, int off, int len) {
            System.arraycopy(array, Math.toIntExact(pos), dst, off, len);
        }

        @Override
        public long size() {
            return array.length;
        }
    }
}
