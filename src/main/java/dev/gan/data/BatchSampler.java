package dev.gan.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Draws minibatches in a shuffled order that depends only on the seed and the epoch, so that batch number k is the
 * same batch whether a run went straight to it or was resumed from a checkpoint: the sampler has no hidden state
 * to save. The last incomplete batch of an epoch is dropped (BatchNorm and fixed shapes want full batches).
 */
public final class BatchSampler {
    private final ImageSet set;
    private final int batchSize;
    private final long seed;
    private int[] order;
    private long orderEpoch = -1;

    public BatchSampler(ImageSet set, int batchSize, long seed) {
        if (set.count() < batchSize) {
            throw new dev.gan.UserException(set.source() + ": has " + set.count() + " images, fewer than one batch of "
                    + batchSize + "; lower training.batch_size or raise data.limit");
        }
        this.set = set;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    public int batchesPerEpoch() {
        return set.count() / batchSize;
    }

    /** Images scaled to [-1, 1], as [B, C, H, W] floats, and their labels (null when unlabelled). */
    public record Batch(INDArray images, int[] labels, long epoch) {
    }

    /** The {@code index}-th batch of the run (0-based, counted across epochs). */
    public Batch batch(long index) {
        long epoch = index / batchesPerEpoch();
        int start = (int) (index % batchesPerEpoch()) * batchSize;
        if (epoch != orderEpoch) {
            order = permutation(set.count(), seed * 0x9E3779B97F4A7C15L + epoch);
            orderEpoch = epoch;
        }
        int[] idx = new int[batchSize];
        System.arraycopy(order, start, idx, 0, batchSize);
        return new Batch(images(set, idx), labels(set, idx), epoch);
    }

    /** The images at {@code idx} as a [-1, 1] float batch. */
    public static INDArray images(ImageSet set, int[] idx) {
        int per = set.imageBytes();
        float[] buf = new float[idx.length * per];
        byte[] px = set.pixels();
        for (int i = 0; i < idx.length; i++) {
            int src = idx[i] * per, dst = i * per;
            for (int j = 0; j < per; j++) buf[dst + j] = (px[src + j] & 0xff) / 127.5f - 1f;
        }
        return Nd4j.create(buf, new long[]{idx.length, set.channels(), set.size(), set.size()}, DataType.FLOAT);
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
