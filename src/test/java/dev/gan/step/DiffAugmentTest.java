package dev.gan.step;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class DiffAugmentTest {

    /**
     * Every transform is affine per image, so for L(x) = sum(w * aug(x)) the gradient is exact: compare backprop(w)
     * with central differences of L (exact up to float rounding for an affine map), for gray and RGB images.
     */
    @Test
    void backpropIsTheGradientOfTheAugmentation() {
        for (int ch : new int[]{1, 3}) {
            DiffAugment aug = DiffAugment.of("color,translation,cutout");
            INDArray x = Nd4j.rand(DataType.FLOAT, 3, ch, 8, 8).muli(2).subi(1);
            INDArray w = Nd4j.rand(DataType.FLOAT, 3, ch, 8, 8).subi(0.5);
            DiffAugment.Applied a = aug.apply(x, new SplittableRandom(ch));
            INDArray grad = a.backprop(w);
            double eps = 0.05, worst = 0;
            for (int j = 0; j < x.length(); j++) {
                INDArray plus = x.dup(), minus = x.dup();
                plus.data().put(j, x.data().getFloat(j) + eps);
                minus.data().put(j, x.data().getFloat(j) - eps);
                double lp = a.applySame(plus).mul(w).sumNumber().doubleValue();
                double lm = a.applySame(minus).mul(w).sumNumber().doubleValue();
                worst = Math.max(worst, Math.abs((lp - lm) / (2 * eps) - grad.data().getFloat(j)));
            }
            assertTrue(worst < 1e-3, "channels " + ch + ": max |fd - backprop| = " + worst);
        }
    }

    /**
     * With augment_p < 1 each transform applies to each image or not: the map stays affine per image, so the
     * gradient stays exact - the same check as above, on a batch where some images skip some transforms.
     */
    @Test
    void backpropStaysExactWhenTransformsApplyToSomeImagesOnly() {
        DiffAugment aug = DiffAugment.of("color,translation,cutout", AugmentProbability.fixed(0.5));
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, 8, 8).muli(2).subi(1);
        INDArray w = Nd4j.rand(DataType.FLOAT, 8, 3, 8, 8).subi(0.5);
        DiffAugment.Applied a = aug.apply(x, new SplittableRandom(11));
        int colored = 0, shifted = 0, cut = 0;
        for (int i = 0; i < 8; i++) {
            colored += a.colored[i] ? 1 : 0;
            shifted += a.dx[i] != 0 || a.dy[i] != 0 ? 1 : 0;
            cut += a.cutW[i] > 0 ? 1 : 0;
        }
        assertTrue(colored > 0 && colored < 8 && cut > 0 && cut < 8 && shifted < 8,
                "some but not all images: color " + colored + ", cutout " + cut + ", translation " + shifted);
        INDArray grad = a.backprop(w);
        double eps = 0.05, worst = 0;
        for (int j = 0; j < x.length(); j++) {
            INDArray plus = x.dup(), minus = x.dup();
            plus.data().put(j, x.data().getFloat(j) + eps);
            minus.data().put(j, x.data().getFloat(j) - eps);
            double lp = a.applySame(plus).mul(w).sumNumber().doubleValue();
            double lm = a.applySame(minus).mul(w).sumNumber().doubleValue();
            worst = Math.max(worst, Math.abs((lp - lm) / (2 * eps) - grad.data().getFloat(j)));
        }
        assertTrue(worst < 1e-3, "max |fd - backprop| = " + worst);
    }

    @Test
    void probabilityZeroLeavesImagesAloneAndOneDrawsWhatDiffAugmentAlwaysDrew() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 8, 8);
        INDArray none = DiffAugment.of("color,translation,cutout", AugmentProbability.fixed(0))
                .apply(x, new SplittableRandom(2)).images();
        assertEquals(x, none);
        INDArray always = DiffAugment.of("color,translation,cutout", AugmentProbability.fixed(1))
                .apply(x, new SplittableRandom(2)).images();
        assertEquals(DiffAugment.of("color,translation,cutout").apply(x, new SplittableRandom(2)).images(), always);
        assertNotEquals(x, always);
    }

    /** StyleGAN2-ADA's rule: every 4 D steps, p moves by batch * 4 / (ada_kimg * 1000) towards r_t = target. */
    @Test
    void adaptiveProbabilityFollowsTheSignOfDOnReals() {
        dev.gan.config.TrainingConfig t = dev.gan.config.ConfigLoader.fromYaml(
                "training: {augment: color, augment_p: auto, ada_target: 0.6, ada_kimg: 1}", "test", java.util.List.of())
                .training();
        AugmentProbability p = AugmentProbability.of(t);
        assertEquals(0.0, p.p());
        for (int i = 0; i < 3; i++) p.observeReal(1.0, 50);   // D sure of every real: r_t = 1 > 0.6
        assertEquals(0.0, p.p(), "no change within an interval");
        p.observeReal(1.0, 50);
        assertEquals(0.2, p.p(), 1e-12, "50 * 4 / 1000");
        for (int i = 0; i < 4; i++) p.observeReal(0.0, 50);   // r_t = 0 < 0.6: down again
        assertEquals(0.0, p.p(), 1e-12);
        for (int i = 0; i < 4; i++) p.observeReal(-1.0, 50);
        assertEquals(0.0, p.p(), "clamped at 0");
        AugmentProbability resumed = AugmentProbability.resume(t, 0.4, 1.5, 2);
        resumed.observeReal(1.0, 50);
        resumed.observeReal(1.0, 50);   // completes the saved interval: r_t = 3.5 / 4 > 0.6
        assertEquals(0.6, resumed.p(), 1e-12);
    }

    @Test
    void translationShiftsAndFillsWithBlack() {
        DiffAugment aug = DiffAugment.of("translation");
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 1, 8, 8);
        DiffAugment.Applied a = aug.apply(x, new SplittableRandom(3));
        boolean shifted = false;
        for (int i = 0; i < 16; i++) {
            int dx = a.dx[i], dy = a.dy[i];
            assertTrue(Math.abs(dx) <= 1 && Math.abs(dy) <= 1, "at most 1/8 of the side");
            shifted |= dx != 0 || dy != 0;
            for (int y = 0; y < 8; y++) {
                for (int xx = 0; xx < 8; xx++) {
                    int sy = y - dy, sx = xx - dx;
                    float want = sy < 0 || sy >= 8 || sx < 0 || sx >= 8 ? -1f : x.getFloat(i, 0, sy, sx);
                    assertEquals(want, a.images().getFloat(i, 0, y, xx), 0f);
                }
            }
        }
        assertTrue(shifted);
    }

    @Test
    void cutoutBlanksHalfTheSide() {
        DiffAugment.Applied a = DiffAugment.of("cutout").apply(Nd4j.ones(DataType.FLOAT, 4, 1, 8, 8), new SplittableRandom(5));
        for (int i = 0; i < 4; i++) {
            long zeros = a.images().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).eq(0).castTo(DataType.INT32)
                    .sumNumber().longValue();
            assertTrue(zeros > 0 && zeros <= 16, "a clipped 4x4 square, got " + zeros);
        }
    }

    @Test
    void policiesAreChecked() {
        assertNull(DiffAugment.of("none"));
        assertNull(DiffAugment.of(""));
        assertThrows(IllegalArgumentException.class, () -> DiffAugment.of("color,flip"));
    }
}
