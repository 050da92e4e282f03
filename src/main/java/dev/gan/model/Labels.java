package dev.gan.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How a CGAN sees class labels: one-hot rows for G, and for D constant one-hot planes (label maps, concat
 * conditioning) or one-hot rows (projection conditioning).
 */
public final class Labels {
    private Labels() {
    }

    /** [B, K] with a 1 at each label. */
    public static INDArray oneHot(int[] labels, int numClasses) {
        float[] v = new float[labels.length * numClasses];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " outside [0, " + numClasses + ")");
            }
            v[i * numClasses + labels[i]] = 1f;
        }
        return Nd4j.create(v, new long[]{labels.length, numClasses}, DataType.FLOAT);
    }

    /** [B, K, S, S]: plane k is all ones where the label is k, zeros elsewhere. */
    public static INDArray maps(int[] labels, int numClasses, int size) {
        int plane = size * size;
        float[] v = new float[labels.length * numClasses * plane];
        for (int i = 0; i < labels.length; i++) {
            int base = (i * numClasses + labels[i]) * plane;
            java.util.Arrays.fill(v, base, base + plane, 1f);
        }
        return Nd4j.create(v, new long[]{labels.length, numClasses, size, size}, DataType.FLOAT);
    }

    /** The inputs of G for noise z and (for a CGAN) labels. */
    public static INDArray[] generatorInputs(GanShape shape, INDArray z, int[] labels) {
        return shape.conditional() ? new INDArray[]{z, oneHot(labels, shape.numClasses())} : new INDArray[]{z};
    }

    /** The inputs of D for images and (for a CGAN) labels. */
    public static INDArray[] discriminatorInputs(GanShape shape, INDArray images, int[] labels) {
        if (!shape.conditional()) return new INDArray[]{images};
        return new INDArray[]{images, shape.projection() ? oneHot(labels, shape.numClasses())
                : maps(labels, shape.numClasses(), shape.size())};
    }
}
