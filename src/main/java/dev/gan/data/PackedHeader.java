package dev.gan.data;

import java.util.List;

/**
 * The JSON header of a packed file ({@code gan data pack}); docs/data.md describes the whole format. Field names are
 * snake_case in the file.
 *
 * @param format        always {@value PackedFile#FORMAT}
 * @param version       format version, {@value PackedFile#VERSION}
 * @param count         number of images
 * @param channels      1 (grayscale) or 3 (RGB)
 * @param height        image height in pixels
 * @param width         image width in pixels (equal to height: the networks take square images)
 * @param layout        pixel order of one image, always {@code NCHW}: C planes of H rows of W bytes
 * @param dtype         pixel type, always {@code uint8}
 * @param pixelsOffset  byte offset of the first pixel in the file (a multiple of 4096)
 * @param pixelsBytes   count x channels x height x width
 * @param labelsOffset  byte offset of the labels (right after the pixels), or null when unlabelled
 * @param labelsDtype   {@code int32le} (one little-endian 32-bit int per image), or null when unlabelled
 * @param classNames    class names, index = label (empty when unlabelled)
 * @param source        the folder, archive or IDX file the images came from
 * @param skippedCount  unreadable files left out while packing ({@code --skip-bad-files})
 * @param sha256        SHA-256 (hex) of everything after the header: the pixels, then the labels
 * @param created       when it was written (ISO-8601, UTC)
 * @param tool          what wrote it ({@code gan <version>})
 */
public record PackedHeader(String format, int version, long count, int channels, int height, int width, String layout,
                           String dtype, long pixelsOffset, long pixelsBytes, Long labelsOffset, String labelsDtype,
                           List<String> classNames, String source, long skippedCount, String sha256, String created,
                           String tool) {

    public PackedHeader {
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
    }

    public boolean labelled() {
        return labelsOffset != null;
    }

    public int imageBytes() {
        return channels * height * width;
    }

    /** The file's expected length. */
    public long fileBytes() {
        return pixelsOffset + pixelsBytes + (labelled() ? 4 * count : 0);
    }

    /** 64x64 RGB, 28x28 grayscale: the shape in words. */
    public String shape() {
        return height + "x" + width + " " + (channels == 3 ? "RGB" : channels == 1 ? "grayscale" : channels + "-channel");
    }
}
