package dev.gan.data;

import java.util.List;

/**
 * A dataset in memory: {@code count} images of {@code channels x size x size} unsigned bytes (NCHW order), with
 * optional labels. Bytes rather than floats: 60,000 Fashion-MNIST images take 47 MB instead of 188 MB; batches are
 * converted to [-1, 1] floats as they are drawn.
 *
 * @param pixels       images, image after image, each C x H x W
 * @param labels       class index per image, or null for an unlabelled dataset
 * @param classNames   names of the classes, index = label (empty when unlabelled)
 * @param source       where the images came from, for messages and manifests
 * @param skippedFiles files the source skipped because they were not readable images (only with
 *                     {@code data.skip_bad_files}); the run reports them
 */
public record ImageSet(byte[] pixels, int count, int channels, int size, int[] labels, List<String> classNames,
                       String source, List<String> skippedFiles) {

    public ImageSet {
        skippedFiles = List.copyOf(skippedFiles);
    }

    /** A dataset that skipped nothing. */
    public ImageSet(byte[] pixels, int count, int channels, int size, int[] labels, List<String> classNames,
                    String source) {
        this(pixels, count, channels, size, labels, classNames, source, List.of());
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
