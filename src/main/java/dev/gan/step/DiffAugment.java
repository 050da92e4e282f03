package dev.gan.step;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Differentiable augmentation (Zhao et al., "Differentiable Augmentation for Data-Efficient GAN Training", 2020):
 * D only ever sees augmented images, real and fake alike, and G's gradient flows back through the same
 * augmentation. The paper's case: on small datasets D memorises the real images, wins outright and leaves G a useless
 * gradient; augmenting both sides keeps D's task hard without teaching G to make augmented-looking images (the
 * augmentations are applied to G's output, not learnt).
 *
 * <p>Each transform is an affine map per image, so its gradient is exact and cheap: {@link Applied#backprop} maps
 * dLoss/dAugmented back to dLoss/dImage. Transforms (DiffAugment's policy names):
 * <ul>
 *   <li>{@code color}: brightness (add U(-0.5, 0.5)), saturation (RGB only: scale the distance to the pixel's grey
 *       by U(0, 2)), contrast (scale the distance to the image mean by U(0.5, 1.5));</li>
 *   <li>{@code translation}: shift by up to 1/8 of the side in x and y, filling with black (-1, the background of
 *       MNIST-like data);</li>
 *   <li>{@code cutout}: set a random square of half the side to 0.</li>
 * </ul>
 * Randomness comes from a {@link SplittableRandom} the caller seeds, so a resumed run draws the same augmentations.
 *
 * <p>Each transform is applied to each image with the probability of an {@link AugmentProbability} (training.augment_p;
 * adaptive augmentation moves it): an image a transform skips gets that transform's identity, so its map stays affine
 * and {@link Applied#backprop} stays exact. At p = 1 no extra random numbers are drawn: the draws are the ones
 * DiffAugment made before p existed.
 */
public final class DiffAugment {
    private final boolean color, translation, cutout;
    private final AugmentProbability probability;

    private DiffAugment(boolean color, boolean translation, boolean cutout, AugmentProbability probability) {
        this.color = color;
        this.translation = translation;
        this.cutout = cutout;
        this.probability = probability;
    }

    /** {@link #of(String, AugmentProbability)} with every transform on every image (p = 1). */
    public static DiffAugment of(String policy) {
        return of(policy, AugmentProbability.fixed(1));
    }

    /**
     * The augmentation for a comma-separated policy of {@code TrainingConfig.AUGMENTATIONS} ({@code ""} or
     * {@code none}: null, no augmentation), each transform applied with the probability {@code p}.
     */
    public static DiffAugment of(String policy, AugmentProbability p) {
        if (policy == null || policy.isBlank() || policy.trim().equalsIgnoreCase("none")) return null;
        boolean c = false, t = false, k = false;
        for (String part : policy.toLowerCase(Locale.ROOT).split(",")) {
            switch (part.trim()) {
                case "color" -> c = true;
                case "translation" -> t = true;
                case "cutout" -> k = true;
                default -> throw new IllegalArgumentException("unknown augmentation '" + part.trim() + "'");
            }
        }
        return new DiffAugment(c, t, k, p);
    }

    /** The probability each transform is applied with (training.augment_p), live. */
    public AugmentProbability probability() {
        return probability;
    }

    /** Draws one augmentation per image of {@code x} and applies it; the result is a new array. */
    public Applied apply(INDArray x, SplittableRandom r) {
        int n = (int) x.size(0), ch = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        float[] in = x.dup('c').data().asFloat();
        Applied a = new Applied(this, n, ch, h, w);
        double p = probability.p();
        for (int i = 0; i < n; i++) {
            // a transform an image skips draws no parameters and keeps its identity values
            if (color && applies(p, r)) {
                a.colored[i] = true;
                a.brightness[i] = (float) (r.nextDouble() - 0.5);
                a.saturation[i] = ch > 1 ? (float) (r.nextDouble() * 2) : 1f;
                a.contrast[i] = (float) (r.nextDouble() + 0.5);
            } else {
                a.saturation[i] = 1f;
                a.contrast[i] = 1f;
            }
            if (translation && applies(p, r)) {
                int maxX = Math.max(1, (int) (w * 0.125 + 0.5)), maxY = Math.max(1, (int) (h * 0.125 + 0.5));
                a.dx[i] = r.nextInt(2 * maxX + 1) - maxX;
                a.dy[i] = r.nextInt(2 * maxY + 1) - maxY;
            }
            if (cutout && applies(p, r)) {   // a skipped cutout keeps its 0x0 square, which covers nothing
                a.cutW[i] = (int) (w * 0.5 + 0.5);
                a.cutH[i] = (int) (h * 0.5 + 0.5);
                a.cutX[i] = r.nextInt(w + (1 - w % 2)) - a.cutW[i] / 2;
                a.cutY[i] = r.nextInt(h + (1 - h % 2)) - a.cutH[i] / 2;
            }
        }
        return a.result(forward(in, a, x.shape()));
    }

    /** Whether a transform applies to an image: a draw only when 0 < p < 1, so p = 1 draws what it always drew. */
    private static boolean applies(double p, SplittableRandom r) {
        if (p >= 1) return true;
        return p > 0 && r.nextDouble() < p;
    }

    private INDArray forward(float[] in, Applied a, long[] shape) {
        int n = a.n, ch = a.ch, h = a.h, w = a.w;
        float[] out = new float[in.length];
        int plane = h * w, img = ch * plane;
        float[] tmp = new float[img];
        for (int i = 0; i < n; i++) {
            int o = i * img;
            System.arraycopy(in, o, tmp, 0, img);
            if (a.colored[i]) colorForward(tmp, a, i, ch, plane);
            for (int c = 0; c < ch; c++) {
                for (int y = 0; y < h; y++) {
                    int sy = y - a.dy[i];
                    for (int xx = 0; xx < w; xx++) {
                        int sx = xx - a.dx[i];
                        float v = sy < 0 || sy >= h || sx < 0 || sx >= w ? -1f : tmp[c * plane + sy * w + sx];
                        out[o + c * plane + y * w + xx] = a.inCut(i, xx, y) ? 0f : v;
                    }
                }
            }
        }
        return Nd4j.create(out, shape, DataType.FLOAT);
    }

    private static void colorForward(float[] v, Applied a, int i, int ch, int plane) {
        float b = a.brightness[i];
        for (int k = 0; k < v.length; k++) v[k] += b;
        if (ch > 1) {
            float s = a.saturation[i];
            for (int p = 0; p < plane; p++) {
                float m = 0;
                for (int c = 0; c < ch; c++) m += v[c * plane + p];
                m /= ch;
                for (int c = 0; c < ch; c++) v[c * plane + p] = (v[c * plane + p] - m) * s + m;
            }
        }
        float mean = 0;
        for (float f : v) mean += f;
        mean /= v.length;
        float c = a.contrast[i];
        for (int k = 0; k < v.length; k++) v[k] = (v[k] - mean) * c + mean;
    }

    /** The augmentations drawn for one batch, and the gradient through them. */
    public static final class Applied {
        private final DiffAugment owner;
        private final int n, ch, h, w;
        final float[] brightness, saturation, contrast;
        final boolean[] colored;
        final int[] dx, dy, cutX, cutY, cutW, cutH;
        private INDArray images;

        private Applied(DiffAugment owner, int n, int ch, int h, int w) {
            this.owner = owner;
            this.n = n;
            this.ch = ch;
            this.h = h;
            this.w = w;
            brightness = new float[n];
            saturation = new float[n];
            contrast = new float[n];
            colored = new boolean[n];
            dx = new int[n];
            dy = new int[n];
            cutX = new int[n];
            cutY = new int[n];
            cutW = new int[n];
            cutH = new int[n];
        }

        private Applied result(INDArray augmented) {
            images = augmented;
            return this;
        }

        /** The same draws applied to another batch of the same shape (for checking the gradient). */
        INDArray applySame(INDArray x) {
            return owner.forward(x.dup('c').data().asFloat(), this, x.shape());
        }

        /** The augmented batch. */
        public INDArray images() {
            return images;
        }

        boolean inCut(int i, int x, int y) {
            return x >= cutX[i] && x < cutX[i] + cutW[i] && y >= cutY[i] && y < cutY[i] + cutH[i];
        }

        /**
         * dLoss/dImage from dLoss/dAugmented: the transposes of the per-image maps, in reverse order (cutout, then
         * translation, then contrast, saturation and brightness). Brightness adds a constant: its gradient is the
         * identity.
         */
        public INDArray backprop(INDArray gradAugmented) {
            float[] g = gradAugmented.dup('c').data().asFloat();
            float[] out = new float[g.length];
            int plane = h * w, img = ch * plane;
            float[] tmp = new float[img];
            for (int i = 0; i < n; i++) {
                int o = i * img;
                java.util.Arrays.fill(tmp, 0f);
                for (int c = 0; c < ch; c++) {
                    for (int y = 0; y < h; y++) {
                        int sy = y - dy[i];
                        if (sy < 0 || sy >= h) continue;
                        for (int x = 0; x < w; x++) {
                            int sx = x - dx[i];
                            if (sx < 0 || sx >= w || inCut(i, x, y)) continue;
                            tmp[c * plane + sy * w + sx] += g[o + c * plane + y * w + x];
                        }
                    }
                }
                // contrast: y = c*v + (1-c)*mean(v)  =>  dv = c*g + (1-c)*mean(g)
                float mean = 0;
                for (float f : tmp) mean += f;
                mean /= img;
                float k = contrast[i];
                for (int j = 0; j < img; j++) tmp[j] = tmp[j] * k + (1 - k) * mean;
                if (ch > 1) {   // saturation: the same map per pixel across channels
                    float s = saturation[i];
                    for (int p = 0; p < plane; p++) {
                        float m = 0;
                        for (int c = 0; c < ch; c++) m += tmp[c * plane + p];
                        m /= ch;
                        for (int c = 0; c < ch; c++) tmp[c * plane + p] = tmp[c * plane + p] * s + (1 - s) * m;
                    }
                }
                System.arraycopy(tmp, 0, out, o, img);
            }
            return Nd4j.create(out, gradAugmented.shape(), DataType.FLOAT);
        }
    }
}
