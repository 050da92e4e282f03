package dev.gan.data;

import java.util.List;

/**
 * A dataset: {@code count} images of {@code channels x size x size} unsigned bytes (NCHW order), with optional
 * labels. Bytes rather than floats: 60,000 Fashion-MNIST images take 47 MB instead of 188 MB; batches are converted
 * to [-1, 1] floats as they are drawn. The pixels are in a {@link PixelStore}: a Java array for small sets decoded in
 * memory, a memory-mapped packed file for sets of any size ({@code gan data pack}); read them with
 * {@link #image(int, byte[], int)}, which works for both.
 *
 * @param store        the pixels, image after image, each C x H x W
 * @param count        number of images (the store may hold more: {@code data.limit} takes the first ones)
 * @param channels     1 (grayscale) or 3 (RGB)
 * @param size         side of the square images
 * @param labels       class index per image, or null for an unlabelled dataset
 * @param classNames   names of the classes, index = label (empty when unlabelled)
 * @param source       where the images came from, for messages and manifests
 * @param skippedFiles files the source skipped because they were not readable images (only with
 *                     {@code data.skip_bad_files}); the run reports them
 */
public record ImageSet(PixelStore store, int count, int channels, int size, int[] labels, List<String> classNames,
                       String source, List<String> skippedFiles) {

    public ImageSet {
        skippedFiles = List.copyOf(skippedFiles);
    }

    /** A dataset in one Java array. */
    public ImageSet(byte[] pixels, int count, int channels, int size, int[] labels, List<String> classNames,
                    String source, List<String> skippedFiles) {
        this(new PixelStore.Heap(pixels), count, channels, size, labels, classNames, source, skippedFiles);
    }

    /** A dataset in one Java array that skipped nothing. */
    public ImageSet(byte[] pixels, int count, int channels, int size, int[] labels, List<String> classNames,
                    String source) {
        this(pixels, count, channels, size, labels, classNames, source, List.of());
    }

    /**
     * The Java array of a set held in memory. A memory-mapped set has none (it may not even fit one array): code
     * that must work on any set reads images with {@link #image(int, byte[], int)}.
     */
    public byte[] pixels() {
        if (store instanceof PixelStore.Heap heap) return heap.array();
        throw new IllegalStateException(source + " is memory-mapped, not a Java array; read it with image(i, ...)");
    }

    /** Copies image {@code i} ({@link #imageBytes()} bytes, C x H x W) into {@code dst} at {@code off}. */
    public void image(int i, byte[] dst, int off) {
        store.read((long) i * imageBytes(), dst, off, imageBytes());
    }

    public int imageBytes() {
        return channels * size * size;
    }

    public boolean labelled() {
        return labels != null;
    }

    public int numClasses() {
        return classNames.size();
    }
}
