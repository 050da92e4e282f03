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
