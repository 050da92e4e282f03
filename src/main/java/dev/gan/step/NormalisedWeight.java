package dev.gan.step;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One weight under spectral norm ({@link SpectralNorm}): where its elements are, its vectors, the raw W and the
 * last sigma.
 *
 * <p>The maths runs in plain Java on double arrays: each pass bulk-copies the parameter (or gradient) view through
 * its NIO buffer and reads it as the (out, k) matrix through an index map built once. The matrices are small (at
 * most a few hundred thousand elements), and as a dozen ND4J ops per layer and pass each op paid its fixed cost
 * (and, on 2 threads, an OpenMP fork): 17-38% of a DCGAN-28 step. In Java, spectral norm on D and the EMA
 * together cost 7% (docs/spectral-norm-and-ema.md).
 */
final class NormalisedWeight {
    /** torch's F.normalize epsilon: a zero vector stays zero instead of becoming NaN. */
    private static final double EPS = 1e-12;

    /** How a layer's W is laid out, and so how it is read as the (out, in * kh * kw) matrix. */
    enum Kind { CONV, DECONV, DENSE }

    final String name;
    final INDArray w;
    final DataBuffer wData, gradData;
    /** Buffer index of element (o, j) of the (out, k) matrix, row-major: W's and its gradient's. */
    final int[] wAt, gradAt;
    final int out, k;
    /** Raw W as the (out, k) matrix, row-major (kept while W / sigma is in the view), and its gradient. */
    final double[] raw, gradValues;
    final double[] u, v, wv;
    /** Whether W is float (training); tests check the maths in double. */
    final boolean single;
    /** Scratch for the bulk copies: float weights go through floats, double ones (tests) through doubles. */
    private final float[] floats;
    private final double[] doubles;
    double sigma;
    /** A frozen block's layer: no power iteration ({@link SpectralNorm#hold}). */
    boolean held;

    NormalisedWeight(String name, Kind kind, INDArray w, INDArray grad) {
        this.name = name;
        this.w = w;
        long[] s = w.shape();
        this.out = (int) (kind == Kind.CONV ? s[0] : s[1]);
        this.k = (int) (w.length() / out);
        this.wData = w.data();
        this.gradData = grad.data();
        this.wAt = indexMap(w, kind == Kind.CONV ? 0 : 1);
        this.gradAt = indexMap(grad, kind == Kind.CONV ? 0 : 1);
        this.raw = new double[out * k];
        this.gradValues = new double[out * k];
        this.u = new double[out];
        this.v = new double[k];
        this.wv = new double[out];
        this.single = w.dataType() == DataType.FLOAT;
        this.floats = single ? new float[out * k] : null;
        this.doubles = single ? null : new double[out * k];
    }

    /**
     * The index in the view's own buffer of each element of {@code a} read as an (out, k) matrix: the out axis is
     * {@code outAxis} (Convolution [out, in, kh, kw]: 0; Deconvolution2D [in, out, kh, kw] and Dense
     * [nIn, nOut]: 1), and the remaining axes, in order, make up k. Strides come from the view, whatever its
     * ordering; a view's buffer starts at its own first element.
     */
    private static int[] indexMap(INDArray a, int outAxis) {
        long[] shape = a.shape(), stride = a.stride();
        if (a.data().length() != a.length()) {
            throw new IllegalStateException("spectral norm needs a contiguous weight view, got "
                    + a.shapeInfoToString());
        }
        int rank = shape.length;
        int[] rest = new int[rank - 1];
        for (int d = 0, r = 0; d < rank; d++) if (d != outAxis) rest[r++] = d;
        int n = (int) a.length();
        int[] at = new int[n];
        long[] pos = new long[rest.length];
        int t = 0;
        for (long o = 0; o < shape[outAxis]; o++) {
            java.util.Arrays.fill(pos, 0);
            for (long j = 0, kk = n / shape[outAxis]; j < kk; j++) {
                long idx = o * stride[outAxis];
                for (int r = 0; r < rest.length; r++) idx += pos[r] * stride[rest[r]];
                at[t++] = Math.toIntExact(idx);
                for (int r = rest.length - 1; r >= 0; r--) {   // odometer over the remaining axes
                    if (++pos[r] < shape[rest[r]]) break;
                    pos[r] = 0;
                }
            }
        }
        return at;
    }

    /**
     * Where a view's buffer starts in its NIO buffer: asNio* maps the whole parameter array, from its start, and
     * the view's elements begin at the buffer's offset.
     */
    private static int start(DataBuffer b) {
        return Math.toIntExact(b.offset());
    }

    /** A whole (contiguous) view's buffer, bulk-copied, as the (out, k) matrix row-major into {@code dst}. */
    private void load(DataBuffer b, int[] at, double[] dst) {
        if (single) {
            b.asNioFloat().get(start(b), floats);
            for (int t = 0; t < dst.length; t++) dst[t] = floats[at[t]];
        } else {
            b.asNioDouble().get(start(b), doubles);
            for (int t = 0; t < dst.length; t++) dst[t] = doubles[at[t]];
        }
    }

    /** The (out, k) matrix {@code src} divided by {@code divisor}, bulk-copied into a whole view's buffer. */
    private void store(DataBuffer b, int[] at, double[] src, double divisor) {
        if (single) {
            for (int t = 0; t < src.length; t++) floats[at[t]] = (float) (src[t] / divisor);
            b.asNioFloat().put(start(b), floats);
        } else {
            for (int t = 0; t < src.length; t++) doubles[at[t]] = src[t] / divisor;
            b.asNioDouble().put(start(b), doubles);
        }
    }

    /** raw := W as it is in the view now. */
    void readRaw() {
        load(wData, wAt, raw);
    }

    /** The view := raw / divisor (exactly raw for 1). */
    void writeDivided(double divisor) {
        store(wData, wAt, raw, divisor);
    }

    /** wv := Wm v, with Wm the raw matrix. */
    void multiply() {
        for (int o = 0, t = 0; o < out; o++) {
            double acc = 0;
            for (int j = 0; j < k; j++, t++) acc += raw[t] * v[j];
            wv[o] = acc;
        }
    }

    /** v := normalize(Wm^T u) on raw. */
    void transposeMultiplyIntoV() {
        java.util.Arrays.fill(v, 0);
        for (int o = 0, t = 0; o < out; o++) {
            double uo = u[o];
            for (int j = 0; j < k; j++, t++) v[j] += raw[t] * uo;
        }
        normalizeInPlace(v);
    }

    /** One power iteration on raw W: v = normalize(Wm^T u), u = normalize(Wm v), sigma = u . Wm v. */
    void iterate() {
        transposeMultiplyIntoV();
        multiply();
        System.arraycopy(wv, 0, u, 0, out);
        normalizeInPlace(u);
        sigma = dot(u, wv);
        roundVectors();
    }

    /**
     * For float weights, u and v rounded to float: they are saved as floats, and a resumed run must continue
     * from exactly the vectors the uninterrupted run goes on with.
     */
    void roundVectors() {
        if (!single) return;
        for (int i = 0; i < out; i++) u[i] = (float) u[i];
        for (int i = 0; i < k; i++) v[i] = (float) v[i];
    }

    /** sigma from the stored u and v and the raw W in {@link #raw} (inference: no iteration). */
    double inferenceSigma() {
        multiply();
        return dot(u, wv);
    }

    /**
     * grad holds G = dL/d(W/sigma): grad := (G - &lt;G, W/sigma&gt; u v^T) / sigma, with W/sigma = raw / sigma.
     */
    void transformGradient() {
        load(gradData, gradAt, gradValues);
        double c = dot(gradValues, raw) / sigma;
        for (int o = 0, t = 0; o < out; o++) {
            double cu = c * u[o];
            for (int j = 0; j < k; j++, t++) gradValues[t] -= cu * v[j];
        }
        store(gradData, gradAt, gradValues, sigma);
    }

    static double dot(double[] a, double[] b) {
        double acc = 0;
        for (int i = 0; i < a.length; i++) acc += a[i] * b[i];
        return acc;
    }

    static void normalizeInPlace(double[] x) {
        double n = Math.max(Math.sqrt(dot(x, x)), EPS);
        for (int i = 0; i < x.length; i++) x[i] /= n;
    }
}
