package dev.gan.sample;

import dev.gan.generate.Samples;
import dev.gan.io.ImageGrid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;

/**
 * A grid of samples in one PNG. Cell {@code i} (row by row) is image {@code i} of the seed; with every class of a
 * CGAN each row is a class and each column one noise vector shared by all rows, so a column shows one "style" in
 * every class, as in the training grids.
 */
final class GridImage {
    private GridImage() {
    }

    static long write(SampleModel model, ClassChoice classes, int rows, int cols, long seed, int batchSize, Path file) {
        int latent = model.shape().latentSize();
        INDArray z;
        int[] labels;
        if (classes.all()) {
            INDArray columns = Latents.rows(seed, 0, cols, latent);
            z = Nd4j.create(DataType.FLOAT, (long) rows * cols, latent);
            labels = new int[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    z.putRow((long) r * cols + c, columns.getRow(c));
                    labels[r * cols + c] = classes.indices()[r];
                }
            }
        } else {
            z = Latents.rows(seed, 0, rows * cols, latent);
            labels = classes.labels(0, rows * cols);
        }
        INDArray images = Samples.generate(model.generator(), model.shape(), z, labels, batchSize);
        ImageGrid.writePng(ImageGrid.grid(images, rows, cols, classes.all() ? model.classNames() : null), file);
        return (long) rows * cols;
    }
}
