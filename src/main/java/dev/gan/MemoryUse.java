package dev.gan;

import java.util.Locale;

/**
 * What the process holds in memory - the dataset, the networks - noted by the code that loads them, so that an
 * {@link OutOfMemoryError} anywhere can become one line that says what ran out, how big the data and the model were,
 * and what to do: pack the data ({@code gan data pack}), give Java more heap ({@code GAN_JAVA_OPTS}) or ND4J more
 * off-heap memory ({@code GAN_OFFHEAP}). The notes are plain strings, so recording them costs nothing.
 */
public final class MemoryUse {
    private static volatile String dataset;
    private static volatile String model;

    private MemoryUse() {
    }

    /** The dataset being loaded or in use, e.g. "60000 images 28x28x1 (47.0 MB) from X, on the Java heap". */
    public static void dataset(String what) {
        dataset = what;
    }

    /** The networks, e.g. "G 3,576,704 + D 2,765,568 parameters, batch 64". */
    public static void model(String what) {
        model = what;
    }

    /** The out-of-memory error in {@code t}'s cause chain, or null. */
    public static OutOfMemoryError find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError oom) return oom;
            if (c.getCause() == c) break;
        }
        return null;
    }

    /** True when the error is about ND4J's (JavaCPP's) or NIO's memory outside the Java heap. */
    static boolean offHeap(OutOfMemoryError e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("physicalBytes") || m.contains("maxBytes") || m.contains("Cannot allocate")
                || m.contains("Direct buffer memory") || m.contains("Failed to allocate") || m.contains("Map failed");
    }

    /** The one line the CLI prints for {@code e}. */
    public static String explain(OutOfMemoryError e) {
        StringBuilder s = new StringBuilder("gan: out of memory: ");
        if (offHeap(e)) {
            String limit = System.getProperty("org.bytedeco.javacpp.maxbytes");
            s.append("ND4J's memory outside the Java heap ran out (limit ")
                    .append(limit == null ? "JavaCPP's default" : limit).append(", GAN_OFFHEAP; ")
                    .append(firstLine(e)).append(")");
        } else {
            s.append("the Java heap (max ").append(mb(Runtime.getRuntime().maxMemory())).append(", GAN_JAVA_OPTS) is full (")
                    .append(firstLine(e)).append(")");
        }
        if (dataset != null) s.append("; data: ").append(dataset);
        if (model != null) s.append("; model: ").append(model);
        if (offHeap(e)) {
            s.append("; fix: raise the limit, e.g. GAN_OFFHEAP=6G ./gan ..., or lower training.batch_size or the model's "
                    + "widths");
        } else {
            s.append("; fix: pack the images once with gan data pack SRC --out FILE.packed and use the file (it is "
                    + "memory-mapped, off the heap), or give Java more heap, e.g. GAN_JAVA_OPTS=-Xmx4g ./gan ...");
        }
        return s.toString();
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Bytes as "1024 MB". */
    public static String mb(long bytes) {
        return String.format(Locale.ROOT, "%d MB", bytes >> 20);
    }
}
