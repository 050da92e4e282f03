package dev.gan.augment;

import dev.gan.UserException;
import dev.gan.data.ImageSet;
import dev.gan.eval.Subsets;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The real images of an augmentation study: the pool the N real images per class are drawn from, and the test images
 * every classifier is scored on. The test images must be unseen by the GAN and by every classifier, so besides coming
 * from another file or another part of a file, any test image whose pixels equal an image of the GAN's training data
 * or of the pool is dropped (datasets do hold duplicates, e.g. across Fashion-MNIST's splits); with nothing left the
 * study is refused rather than scored on training images.
 *
 * @param pool          where the real training images are drawn from
 * @param poolIndices   index of each pool image in its source file
 * @param test          the held-out test images
 * @param testIndices   index of each test image in its source file
 * @param testSource    the file the test images come from
 * @param excluded      test candidates dropped because the GAN or the pool has the same image
 * @param description   one line saying which images are tested on and why they are unseen
 */
record HeldOut(ImageSet pool, int[] poolIndices, ImageSet test, int[] testIndices, String testSource, int excluded,
               String description) {

    /**
     * @param gan        the GAN's training data (from the checkpoint's config)
     * @param real       where the real training images come from: {@code --train-images}, or the GAN's data
     * @param separate   {@code --test-images}, or null to hold out {@code testCount} images of {@code real}
     * @param fromGan    {@code real} is the GAN's own data (no {@code --train-images})
     */
    static HeldOut split(ImageSet gan, ImageSet real, ImageSet separate, boolean fromGan, int testCount, long seed) {
        ImageSet candidates;
        int[] candidateIdx, poolIdx;
        String how;
        if (separate != null) {
            candidates = separate;
            candidateIdx = IntStream.range(0, separate.count()).toArray();
            poolIdx = IntStream.range(0, real.count()).toArray();
            how = "--test-images";
        } else if (fromGan) {
            throw new UserException("no held-out test images: the real images would come from the GAN's own training "
                    + "data (" + gan.source() + "), which the GAN saw in full; give --train-images/--train-labels (a "
                    + "labelled split the GAN did not train on, e.g. /usr/share/datasets/fashion-mnist/train-*-ubyte.gz) "
                    + "or --test-images/--test-labels");
        } else {
            if (testCount >= real.count()) {
                throw new UserException("--test-count " + testCount + ": leaves no real training images in "
                        + real.source() + " (" + real.count() + " images); lower --test-count");
            }
            int[] p = Subsets.permutation(real.count(), seed);
            candidateIdx = Arrays.copyOfRange(p, 0, testCount);
            poolIdx = Arrays.copyOfRange(p, testCount, p.length);
            Arrays.sort(candidateIdx);
            Arrays.sort(poolIdx);
            candidates = real;
            how = "a seeded hold-out of --train-images";
        }
        Set<ByteBuffer> seen = new HashSet<>();
        addAll(seen, gan, IntStream.range(0, gan.count()).toArray());
        addAll(seen, real, poolIdx);
        int[] kept = Arrays.stream(candidateIdx).filter(i -> !seen.contains(image(candidates, i))).toArray();
        int excluded = candidateIdx.length - kept.length;
        if (kept.length == 0) {
            throw new UserException("no held-out test images: all " + candidateIdx.length + " test candidates of "
                    + candidates.source() + " are images the GAN trained on (" + gan.source() + ") or real training "
                    + "images; give --train-images/--train-labels or --test-images/--test-labels a labelled split the "
                    + "GAN did not train on");
        }
        ImageSet pool = Subsets.select(real, poolIdx, real.source() + (separate != null ? "" : " (pool)"));
        ImageSet test = Subsets.select(candidates, kept, candidates.source() + " (test)");
        String description = String.format(Locale.ROOT, "test: %,d images of %s (%s), none of them in the GAN's "
                        + "training data (%s) or among the real training images%s", kept.length, candidates.source(), how,
                gan.source(), excluded > 0 ? String.format(Locale.ROOT, "; %,d duplicates of those dropped", excluded) : "");
        return new HeldOut(pool, poolIdx, test, kept, candidates.source(), excluded, description);
    }

    private static void addAll(Set<ByteBuffer> seen, ImageSet set, int[] idx) {
        for (int i : idx) seen.add(image(set, i));
    }

    /** The pixels of one image, compared by content (copied: the GAN's data may be a memory-mapped packed file). */
    static ByteBuffer image(ImageSet set, int i) {
        byte[] px = new byte[set.imageBytes()];
        set.image(i, px, 0);
        return ByteBuffer.wrap(px);
    }
}
