package dev.gan.eval;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fréchet distance between two Gaussians (Heusel et al. 2017):
 * {@code |m1 - m2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^1/2)}.
 *
 * <p>{@code S1 S2} is not symmetric, so its square root is taken in the symmetric form: {@code tr((S1 S2)^1/2) =
 * tr((A S2 A)^1/2)} with {@code A = S1^1/2} (the two matrices are similar, so their square roots have the same
 * eigenvalues). Both square roots come from symmetric eigendecompositions; eigenvalues that rounding makes slightly
 * negative are clamped to 0, which is where scipy's {@code sqrtm} route needs its "imaginary component" fix-up.
 * The decompositions are Jacobi rotations ({@link SymmetricEigen}), which always converge.
 */
public final class Fid {
    private Fid() {
    }

    public static double distance(Gaussian a, Gaussian b) {
        if (a.dimension() != b.dimension()) {
            throw new IllegalArgumentException("feature sizes differ: " + a.dimension() + " vs " + b.dimension());
        }
        double meanTerm = 0;
        for (int i = 0; i < a.dimension(); i++) {
            double diff = a.mean()[i] - b.mean()[i];
            meanTerm += diff * diff;
        }
        RealMatrix s1 = new Array2DRowRealMatrix(a.covariance(), false);
        RealMatrix s2 = new Array2DRowRealMatrix(b.covariance(), false);
        RealMatrix root1 = symmetricPower(s1, 0.5);
        RealMatrix inner = root1.multiply(s2).multiply(root1);
        double traceRoot = 0;
        for (double ev : eigenvalues(inner)) traceRoot += Math.sqrt(Math.max(0, ev));
        double fid = meanTerm + s1.getTrace() + s2.getTrace() - 2 * traceRoot;
        // tiny negative values are rounding on identical inputs
        return Math.max(0, fid);
    }

    /** {@code M^p} for a symmetric positive semi-definite M (negative rounding eigenvalues clamped to 0). */
    static RealMatrix symmetricPower(RealMatrix m, double p) {
        SymmetricEigen e = SymmetricEigen.of(m.getData());
        double[][] v = e.vectors;
        int d = v.length;
        double[][] scaled = new double[d][d];
        for (int j = 0; j < d; j++) {
            double f = Math.pow(Math.max(0, e.values[j]), p);
            for (int i = 0; i < d; i++) scaled[i][j] = v[i][j] * f;
        }
        return new Array2DRowRealMatrix(scaled, false).multiply(new Array2DRowRealMatrix(v, false).transpose());
    }

    private static double[] eigenvalues(RealMatrix m) {
        return SymmetricEigen.of(m.getData()).values;
    }
}
