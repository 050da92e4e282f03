package dev.gan.data;

import dev.gan.UserException;
import dev.gan.config.DataConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The IDX dataset source: an image file of shape [N, H, W] (grayscale) and an optional label file of shape [N].
 * Images are resized and converted to the configured size and channels when they differ.
 */
public final class IdxSource {
    private IdxSource() {
    }

    public static ImageSet load(DataConfig cfg) {
        Path imagesPath = Path.of(cfg.images());
        IdxReader.IdxArray images = IdxReader.read(imagesPath);
        if (images.dims().length != 3 || images.dims()[1] != images.dims()[2]) {
            throw new UserException(imagesPath + ": expected an IDX image file of shape [count, height, width] with "
                    + "square images, got " + Arrays.toString(images.dims()) + "; is data.images a label file?");
        }
        int n = images.count(), side = images.dims()[1];
        int count = cfg.limit() > 0 ? Math.min(cfg.limit(), n) : n;

        int[] labels = null;
        List<String> names = List.of();
        if (cfg.labels() != null && !cfg.labels().isBlank()) {
            Path labelsPath = Path.of(cfg.labels());
            IdxReader.IdxArray lab = IdxReader.read(labelsPath);
            if (lab.dims().length != 1) {
                throw new UserException(labelsPath + ": expected an IDX label file of shape [count], got "
                        + Arrays.toString(lab.dims()) + "; is data.labels an image file?");
            }
            if (lab.count() != n) {
                throw new UserException(labelsPath + ": has " + lab.count() + " labels but " + imagesPath + " has " + n
                        + " images; the two files must come from the same split");
            }
            labels = new int[count];
            int max = 0;
            for (int i = 0; i < count; i++) {
                labels[i] = lab.data()[i] & 0xff;
                max = Math.max(max, labels[i]);
            }
            names = classNames(cfg, max + 1);
        }

        int c = cfg.channels(), size = cfg.imageSize();
        byte[] pixels;
        if (c == 1 && size == side) {
            pixels = Arrays.copyOf(images.data(), count * side * side);
        } else {
            pixels = new byte[count * c * size * size];
            int per = c * size * size;
            for (int i = 0; i < count; i++) {
                ImageOps.toChw(ImageOps.fromChw(images.data(), i * side * side, 1, side), size, c, pixels, i * per);
            }
        }
        return new ImageSet(pixels, count, c, size, labels, names, imagesPath.toString());
    }

    private static List<String> classNames(DataConfig cfg, int numClasses) {
        List<String> names = new ArrayList<>();
        if (cfg.classNames() != null && !cfg.classNames().isBlank()) {
            for (String s : cfg.classNames().split(",")) names.add(s.trim());
            if (names.size() < numClasses) {
                throw new UserException("data.class_names names " + names.size() + " classes but " + cfg.labels()
                        + " has labels up to " + (numClasses - 1) + "; give one name per class");
            }
            return List.copyOf(names);
        }
        for (int i = 0; i < numClasses; i++) names.add(Integer.toString(i));
        return List.copyOf(names);
    }
}
