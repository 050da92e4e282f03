package dev.gan.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Draws minibatches in a shuffled order that depends only on the seed and the epoch, so that batch number k is the
 * same batch whether a run went straight to it or was resumed from a checkpoint: the sampler has no hidden state
 * to save. The last incomplete batch of an epoch is dropped (BatchNorm and fixed shapes want full batches).
 *
 * <p>While the step trains on batch k, a background thread assembles batch k + 1 (reads its images - from a mapped
 * file, pages may come from disk - and scales them to floats), so the step does not wait for the data. Prefetching
 * only computes ahead what {@link #batch} would compute anyway: the order is still a function of (seed, index).
 */
public final class BatchSampler {
    /** [-1, 1] value of each byte. */
    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) SCALE[i] = i / 127.5f - 1f;
    }

    private final ImageSet set;
    private final int batchSize;
    private final long seed;
    private int[] order;
    private long orderEpoch = -1;
    /** One thread that ends itself when idle, so an abandoned sampler leaves nothing running. */
    private final ThreadPoolExecutor background;
    private Future<Assembled> next;
    private long nextIndex = -1;

    public BatchSampler(ImageSet set, int batchSize, long seed) {
        if (set.count() < batchSize) {
            throw new dev.gan.UserException(set.source() + ": has " + set.count() + " images, fewer than one batch of "
                    + batchSize + "; lower training.batch_size or raise data.limit");
        }
        this.set = set;
        this.batchSize = batchSize;
        this.seed = seed;
        background = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "gan-batches");
            t.setDaemon(true);
            return t;
        });
        background.allowCoreThreadTimeOut(true);
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch(set.count(), batchSize);
    }

    /** Whole batches in one pass over {@code images} (what a run's length in epochs counts in). */
    public static int batchesPerEpoch(int images, int batchSize) {
        return images / batchSize;
    }

    /** Images scaled to [-1, 1], as [B, C, H, W] floats, and their labels (null when unlabelled). */
    public record Batch(INDArray images, int[] labels, long epoch) {
    }

    /** A batch's content before it becomes an INDArray (which the training thread makes). */
    private record Assembled(float[] pixels, int[] labels, long epoch) {
    }

    /** The {@code index}-th batch of the run (0-based, counted across epochs); starts assembling the next one. */
    public Batch batch(long index) {
        Assembled a = index == nextIndex ? join(next) : assemble(index);
        nextIndex = index + 1;
        next = background.submit(() -> assemble(index + 1));
        return new Batch(Nd4j.create(a.pixels(), new long[]{batchSize, set.channels(), set.size(), set.size()},
                DataType.FLOAT), a.labels(), a.epoch());
    }

    /**
     * Batches assembled per second by the data pipeline alone (reading and scaling, as training does), over
     * {@code batches} consecutive batches from {@code first}: what {@code gan data bench} reports.
     */
    public double imagesPerSecond(long first, int batches) {
        long t0 = System.nanoTime();
        // closed at once: without a step's allocations to trigger GC, unreferenced batches would hold off-heap memory
        for (int i = 0; i < batches; i++) batch(first + i).images().close();
        return (double) batches * batchSize / ((System.nanoTime() - t0) / 1e9);
    }

    private Assembled assemble(long index) {
        long epoch = index / batchesPerEpoch();
        int[] idx = indices(index, epoch);
        return new Assembled(pixels(set, idx), labels(set, idx), epoch);
    }

    /** The images of batch {@code index}; synchronized: the training thread and the prefetcher share the order. */
    private synchronized int[] indices(long index, long epoch) {
        int start = (int) (index % batchesPerEpoch()) * batchSize;
        if (epoch != orderEpoch) {
            order = permutation(set.count(), seed * 0x9E3779B97F4A7C15L + epoch);
            orderEpoch = epoch;
        }
        int[] idx = new int[batchSize];
        System.arraycopy(order, start, idx, 0, batchSize);
        return idx;
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The images at {@code idx} as a [-1, 1] float batch. */
    public static INDArray images(ImageSet set, int[] idx) {
        return Nd4j.create(pixels(set, idx), new long[]{idx.length, set.channels(), set.size(), set.size()},
                DataType.FLOAT);
    }

    private static float[] pixels(ImageSet set, int[] idx) {
        int per = set.imageBytes();
        float[] buf = new float[idx.length * per];
        byte[] img = new byte[per];
        for (int i = 0; i < idx.length; i++) {
            set.image(idx[i], img, 0);
            int dst = i * per;
            for (int j = 0; j < per; j++) buf[dst + j] = SCALE[img[j] & 0xff];
        }
        return buf;
    }

    private static int[] labels(ImageSet set, int[] idx) {
        if (!set.labelled()) return null;
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = set.labels()[idx[i]];
        return out;
    }

    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
