package dev.gan.augment;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The cheap alternative the GAN's images must beat: every training image is, each time it is drawn, mirrored left to
 * right with probability 1/2 and shifted by up to {@value #SHIFT} pixels in x and y, the uncovered border filled with
 * the background (-1, black). These are the standard label-preserving augmentations of small-image classifiers;
 * mirroring keeps a garment's class, though not a digit's (for digits read this row with that in mind).
 */
final class ClassicAugment {
    static final int SHIFT = 2;
    static final String DESCRIPTION = "each drawn image mirrored left-right with p = 0.5 and shifted by up to "
            + SHIFT + " px in x and y (border filled with black)";

    private ClassicAugment() {
    }

    /** A new [B, C, H, W] batch of {@code images} (in [-1, 1]), each flipped and shifted at random. */
    static INDArray apply(INDArray images, SplittableRandom r) {
        int b = (int) images.size(0), c = (int) images.size(1), h = (int) images.size(2), w = (int) images.size(3);
        float[] in = images.dup('c').data().asFloat(), out = new float[in.length];
        java.util.Arrays.fill(out, -1f);
        for (int i = 0; i < b; i++) {
            boolean flip = r.nextBoolean();
            int dx = r.nextInt(2 * SHIFT + 1) - SHIFT, dy = r.nextInt(2 * SHIFT + 1) - SHIFT;
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * h * w;
                for (int y = 0; y < h; y++) {
                    int sy = y - dy;
                    if (sy < 0 || sy >= h) continue;
                    for (int x = 0; x < w; x++) {
                        int sx = x - dx;
                        if (sx < 0 || sx >= w) continue;
                        out[base + y * w + x] = in[base + sy * w + (flip ? w - 1 - sx : sx)];
                    }
                }
            }
        }
        return Nd4j.create(out, new long[]{b, c, h, w}, DataType.FLOAT);
    }
}
