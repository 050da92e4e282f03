package dev.gan.config;

import java.util.List;

/**
 * The dataset. Relative paths are resolved against the working directory (the project root for {@code ./gan}).
 *
 * @param format         {@code idx} (MNIST-format files, gzipped or not), {@code folder} (image files, one
 *                       sub-folder per class, in a folder or a zip archive) or {@code packed} (a file from
 *                       {@code gan data pack}, memory-mapped; also detected from the file under the other two)
 * @param images         IDX image file ({@code idx})
 * @param labels         IDX label file ({@code idx}); optional for DCGAN, required for CGAN
 * @param path           root folder or zip archive of images ({@code folder}), or the packed file ({@code packed})
 * @param imageSize      side of the square images the networks see; images are resized to it
 * @param channels       1 (grayscale) or 3 (RGB); images are converted to it
 * @param limit          use only the first N images (0 = all); handy for quick experiments
 * @param skipBadFiles   {@code folder}: skip files that are not readable images (listed in the log) instead of
 *                       stopping
 * @param classNames     {@code idx}: comma-separated class names, index = label (default: the label numbers);
 *                       folders take them from the sub-folder names
 * @param mirror         train on the images and their horizontal flips (2N images, StyleGAN2-ADA's {@code --mirror});
 *                       evaluation still compares with the images as they are
 */
public record DataConfig(String format, String images, String labels, String path, int imageSize, int channels,
                         int limit, boolean skipBadFiles, String classNames, boolean mirror) {

    /** A data section without mirroring. */
    public DataConfig(String format, String images, String labels, String path, int imageSize, int channels,
                      int limit, boolean skipBadFiles, String classNames) {
        this(format, images, labels, path, imageSize, channels, limit, skipBadFiles, classNames, false);
    }

    public static final List<String> FORMATS = List.of("idx", "folder", "packed");

    public static DataConfig defaults() {
        return new DataConfig("idx", "data/fashion-mnist/t10k-images-idx3-ubyte.gz",
                "data/fashion-mnist/t10k-labels-idx1-ubyte.gz", null, 28, 1, 0, false, null);
    }

    void validate(String at, Problems p) {
        p.check(FORMATS.contains(format), at + ".format", "must be one of " + FORMATS, format);
        if ("idx".equals(format)) {
            p.check(images != null && !images.isBlank(), at + ".images", "must name an IDX image file when format is idx", images);
        }
        if ("folder".equals(format)) {
            p.check(path != null && !path.isBlank(), at + ".path", "must name a folder of images when format is folder", path);
            p.check(classNames == null || classNames.isBlank(), at + ".class_names",
                    "is for idx data; a folder takes its class names from its sub-folders", classNames);
        }
        if ("packed".equals(format)) {
            p.check(path != null && !path.isBlank(), at + ".path", "must name a packed file (gan data pack) when format "
                    + "is packed", path);
            p.check(classNames == null || classNames.isBlank(), at + ".class_names",
                    "is for idx data; a packed file holds its class names", classNames);
        }
        p.check(channels == 1 || channels == 3, at + ".channels", "must be 1 (grayscale) or 3 (RGB)", channels);
        p.check(limit >= 0, at + ".limit", "must be >= 0 (0 = all images)", limit);
    }
}
