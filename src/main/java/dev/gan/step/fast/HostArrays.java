package dev.gan.step.fast;

import dev.gan.step.fast.dnnl.Dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Plain float32 arrays copied, added and read on the host: a few of the step's own operations on small arrays (D's
 * 139k gradients, a batch of logits) took 0.2-0.6 ms each as ND4J ops, mostly the op's overhead, against tens of
 * microseconds here. Each is the same single float operation per element as the op's.
 */
final class HostArrays {
    /** Elements per pass over the Java copies. */
    private static final int CHUNK = 8192;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(
            () -> new float[][]{new float[CHUNK], new float[CHUNK]});

    private HostArrays() {
    }

    /** {@code to = from}, element for element (same length). */
    static void copy(INDArray from, INDArray to) {
        check(from, to);
        Pointer.memcpy(to.data().addressPointer(), from.data().addressPointer(), from.length() * Float.BYTES);
    }

    /** {@code target += add}, element for element (same length). */
    static void addInto(INDArray target, INDArray add) {
        check(target, add);
        float[][] s = SCRATCH.get();
        float[] t = s[0], a = s[1];
        FloatPointer tp = pointer(target), ap = pointer(add);
        long n = target.length();
        for (long c0 = 0; c0 < n; c0 += CHUNK) {
            int len = (int) Math.min(CHUNK, n - c0);
            tp.position(c0).get(t, 0, len);
            ap.position(c0).get(a, 0, len);
            for (int i = 0; i < len; i++) t[i] += a[i];
            tp.put(t, 0, len);
        }
    }

    /** The elements of a plain array, as doubles. */
    static double[] read(INDArray a) {
        check(a, a);
        float[] f = new float[(int) a.length()];
        pointer(a).get(f, 0, f.length);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Writes {@code values}, rounded to float, into a plain array of that length. */
    static void write(double[] values, INDArray to) {
        if (to.length() != values.length) throw new IllegalArgumentException("length " + to.length());
        check(to, to);
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        pointer(to).put(f, 0, f.length);
    }

    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }

    private static void check(INDArray a, INDArray b) {
        if (!Dnnl.plain(a) || !Dnnl.plain(b) || a.length() != b.length()) {
            throw new IllegalStateException("not two plain arrays of one length: " + a.shapeInfoToString() + ", "
                    + b.shapeInfoToString());
        }
    }
}
