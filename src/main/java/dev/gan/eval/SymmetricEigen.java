package dev.gan.eval;

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations, for FID's matrix square roots.
 *
 * <p>Why not commons-math's {@code EigenDecomposition}: its implicit QL iteration gives up after a fixed number of
 * iterations ("convergence failed"), and covariances of classifier features do make it give up (seen on a small
 * classifier with dead features: many zero and repeated eigenvalues). Jacobi rotations always converge for a
 * symmetric matrix, are accurate for small eigenvalues, and at FID's sizes (128 features) take milliseconds.
 */
final class SymmetricEigen {
    /** Sweeps over all pairs; Jacobi converges quadratically, so this is far more than a symmetric matrix needs. */
    private static final int MAX_SWEEPS = 100;

    /** Eigenvalues, unordered. */
    final double[] values;
    /** Eigenvectors as columns: {@code vectors[i][j]} is component i of the eigenvector of {@code values[j]}. */
    final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Decomposes the symmetric part of {@code m} (it is not modified). */
    static SymmetricEigen of(double[][] m) {
        int n = m.length;
        double[][] a = new double[n][n];
        double[][] v = new double[n][n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = 0.5 * (m[i][j] + m[j][i]);
                norm += a[i][j] * a[i][j];
            }
            v[i][i] = 1;
        }
        // stop once what is left off the diagonal is rounding relative to the whole matrix
        double tiny = norm * 1e-30;
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(a) > tiny; sweep++) {
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) rotate(a, v, p, q);
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i][i];
        return new SymmetricEigen(values, v);
    }

    private static double offDiagonal(double[][] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) if (i != j) s += a[i][j] * a[i][j];
        }
        return s;
    }

    /** One rotation in the (p, q) plane that zeroes a[p][q]: A = J^T A J, V = V J. */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        // the smaller of the two rotation angles, written to avoid overflow for a huge theta
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) t = 1;
        double c = 1 / Math.sqrt(t * t + 1), s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {   // columns p and q
            double akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {   // rows p and q
            double apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        a[p][q] = 0;
        a[q][p] = 0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p], vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
