package dev.gan.generate;

import dev.gan.data.BatchSampler;
import dev.gan.data.ImageSet;
import dev.gan.model.GanShape;
import dev.gan.model.Labels;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Images from a generator, in inference mode (BatchNorm uses its running statistics, so an image depends only on
 * its own noise and label, never on the rest of the batch).
 */
public final class Samples {
    private Samples() {
    }

    /** G(z, labels) in [-1, 1], computed {@code batchSize} rows at a time to bound memory. */
    public static INDArray generate(ComputationGraph g, GanShape shape, INDArray z, int[] labels, int batchSize) {
        long n = z.size(0);
        List<INDArray> parts = new ArrayList<>();
        for (long start = 0; start < n; start += batchSize) {
            long end = Math.min(n, start + batchSize);
            INDArray zPart = z.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
            int[] lPart = labels == null ? null : java.util.Arrays.copyOfRange(labels, (int) start, (int) end);
            parts.add(g.output(false, Labels.generatorInputs(shape, zPart, lPart))[0]);
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    /**
     * The fixed inputs behind a run's sample grids: {@code side x side} noise vectors for a DCGAN; for a CGAN one row
     * per class and one noise vector per column, the same across rows, so a column shows one "style" in every class.
     */
    public record GridInputs(INDArray z, int[] labels, int rows, int cols) {
        public static GridInputs of(GanShape shape, long seed, int side) {
            if (!shape.conditional()) {
                return new GridInputs(Noise.normal(seed, Noise.FIXED, side * side, shape.latentSize()), null, side, side);
            }
            int k = shape.numClasses();
            INDArray cols = Noise.normal(seed, Noise.FIXED, side, shape.latentSize());
            INDArray z = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, (long) k * side, shape.latentSize());
            int[] labels = new int[k * side];
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < side; c++) {
                    z.putRow((long) r * side + c, cols.getRow(c));
                    labels[r * side + c] = r;
                }
            }
            return new GridInputs(z, labels, k, side);
        }
    }

    /**
     * Real images for {@code reals.png}, laid out like the sample grid: the first images of the data, or for a
     * labelled dataset with a CGAN, the first {@code cols} images of each class in class order.
     */
    public static INDArray reals(ImageSet data, GanShape shape, int rows, int cols) {
        List<Integer> idx = new ArrayList<>();
        if (shape.conditional() && data.labelled()) {
            for (int r = 0; r < rows; r++) {
                int found = 0;
                for (int i = 0; i < data.count() && found < cols; i++) {
                    if (data.labels()[i] == r) {
                        idx.add(i);
                        found++;
                    }
                }
                while (found++ < cols) idx.add(-1);
            }
        } else {
            for (int i = 0; i < Math.min(data.count(), rows * cols); i++) idx.add(i);
        }
        int[] present = idx.stream().mapToInt(i -> Math.max(i, 0)).toArray();
        INDArray images = BatchSampler.images(data, present);
        for (int i = 0; i < idx.size(); i++) {
            if (idx.get(i) < 0) images.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(-1);
        }
        return images;
    }
}
