package dev.gan.eval;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fréchet distance between two Gaussians (Heusel et al. 2017):
 * {@code |m1 - m2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^1/2)}.
 *
 * <p>{@code S1 S2} is not symmetric, so its square root is taken in the symmetric form: {@code tr((S1 S2)^1/2) =
 * tr((A S2 A)^1/2)} with {@code A = S1^1/2} (the two matrices are similar, so their square roots have the same
 * eigenvalues). Both square roots come from symmetric eigendecompositions; eigenvalues that rounding makes slightly
 * negative are clamped to 0, which is where scipy's {@code sqrtm} route needs its "imaginary component" fix-up.
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
        EigenDecomposition e = new EigenDecomposition(symmetrised(m));
        RealMatrix v = e.getV();
        double[] ev = e.getRealEigenvalues();
        int d = ev.length;
        RealMatrix scaled = v.copy();
        for (int j = 0; j < d; j++) {
            double f = Math.pow(Math.max(0, ev[j]), p);
            for (int i = 0; i < d; i++) scaled.multiplyEntry(i, j, f);
        }
        return scaled.multiply(v.transpose());
    }

    private static double[] eigenvalues(RealMatrix m) {
        return new EigenDecomposition(symmetrised(m)).getRealEigenvalues();
    }

    /** (M + M^T) / 2: removes the asymmetry rounding leaves in products like A S A. */
    private static RealMatrix symmetrised(RealMatrix m) {
        return m.add(m.transpose()).scalarMultiply(0.5);
    }
}
