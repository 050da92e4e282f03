package dev.gan.eval;

import dev.gan.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/** Generated batches as {@link ImageSet}s, so they can be trained on and written like any dataset. */
public final class ImageSets {
    private ImageSets() {
    }

    /** [-1, 1] floats [N, C, H, W] to unsigned bytes, rounding as the PNG writer does. */
    public static ImageSet fromBatch(INDArray images, int[] labels, List<String> classNames, String source) {
        int n = (int) images.size(0), c = (int) images.size(1), s = (int) images.size(2);
        float[] v = images.dup().data().asFloat();
        byte[] px = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            px[i] = (byte) Math.round(Math.max(0f, Math.min(255f, (v[i] + 1f) * 127.5f)));
        }
        return new ImageSet(px, n, c, s, labels, labels == null ? List.of() : classNames, source);
    }
}
