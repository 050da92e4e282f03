package dev.gan.eval;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Jacobi decomposition behind FID: A V = V diag(values), V orthonormal, on the matrices features make. */
class SymmetricEigenTest {

    @Test
    void decomposesRandomAndDegenerateCovariances() {
        for (int dead : new int[]{0, 40, 120}) {
            double[][] cov = featureCovariance(dead);
            SymmetricEigen e = SymmetricEigen.of(cov);
            assertDecomposes(cov, e);
            double trace = 0, sum = 0;
            for (int i = 0; i < cov.length; i++) trace += cov[i][i];
            for (double v : e.values) sum += v;
            assertEquals(trace, sum, 1e-9 * Math.max(1, trace));
        }
    }

    /** Why FID does not use commons-math: its QL iteration gives up on such a covariance; FID must not. */
    @Test
    void fidWhereCommonsMathGivesUp() {
        double[][] cov = featureCovariance(0);
        assertThrows(MaxCountExceededException.class, () -> new EigenDecomposition(new Array2DRowRealMatrix(cov)));
        Gaussian a = new Gaussian(new double[128], cov), b = new Gaussian(new double[128], featureCovariance(40));
        assertEquals(0, Fid.distance(a, a), 1e-9);
        assertTrue(Double.isFinite(Fid.distance(a, b)) && Fid.distance(a, b) > 0);
    }

    /** The covariance of 128 features over 60 samples (rank <= 59): `dead` features always 0, some nearly so. */
    private static double[][] featureCovariance(int dead) {
        Random rnd = new Random(7);
        double[][] x = new double[60][128];
        for (double[] row : x) {
            for (int j = dead; j < 128; j++) row[j] = rnd.nextGaussian() * (j % 7 == 0 ? 1e-6 : 1);
        }
        return Gaussian.of(x).covariance();
    }

    @Test
    void repeatedAndZeroEigenvalues() {
        double[][] m = {{2, 0, 0, 0}, {0, 2, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 2}};
        SymmetricEigen e = SymmetricEigen.of(m);
        double[] v = e.values.clone();
        Arrays.sort(v);
        assertEquals(0, v[0], 0);
        assertEquals(2, v[3], 0);
        assertDecomposes(m, e);
        double[][] rot = {{1, 1e-300}, {1e-300, 1}};   // an off-diagonal entry far below rounding
        assertDecomposes(rot, SymmetricEigen.of(rot));
    }

    @Test
    void fidOfDegenerateFeaturesIsFiniteAndZeroAgainstItself() {
        Random rnd = new Random(3);
        double[][] x = new double[50][128], y = new double[50][128];
        for (int i = 0; i < 50; i++) {
            for (int j = 100; j < 128; j++) {   // 100 dead features, as a small classifier's ReLU layer can have
                x[i][j] = Math.max(0, rnd.nextGaussian());
                y[i][j] = Math.max(0, rnd.nextGaussian() + 0.5);
            }
        }
        assertEquals(0, Fid.distance(Gaussian.of(x), Gaussian.of(x)), 1e-9);
        double d = Fid.distance(Gaussian.of(x), Gaussian.of(y));
        assertTrue(Double.isFinite(d) && d > 0, "FID " + d);
    }

    private static void assertDecomposes(double[][] m, SymmetricEigen e) {
        int n = m.length;
        double scale = 0;
        for (double[] row : m) for (double a : row) scale = Math.max(scale, Math.abs(a));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double av = 0, vv = 0;
                for (int k = 0; k < n; k++) {
                    av += m[i][k] * e.vectors[k][j];
                    vv += e.vectors[k][i] * e.vectors[k][j];
                }
                assertEquals(e.values[j] * e.vectors[i][j], av, 1e-10 * Math.max(1, scale), "A v at " + i + "," + j);
                assertEquals(i == j ? 1 : 0, vv, 1e-10, "V^T V at " + i + "," + j);
            }
        }
    }
}
