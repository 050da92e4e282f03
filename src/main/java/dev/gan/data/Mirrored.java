package dev.gan.data;

/**
 * {@code data.mirror}: a dataset doubled by its horizontal flips, as StyleGAN2-ADA's {@code --mirror}. Images
 * 0..N-1 are the originals and N..2N-1 their flips, in the same order and with the same labels (a flipped coat is
 * still a coat; a flip keeps its k-means cluster). Flips are made as images are read, from whatever store holds the
 * originals (a Java array or a mapped packed file), so doubling costs no memory and the batch sampler, epochs and
 * the seeded order simply see 2N images.
 */
public final class Mirrored implements PixelStore {
    private final ImageSet original;
    private final long half;

    private Mirrored(ImageSet original) {
        this.original = original;
        this.half = (long) original.count() * original.imageBytes();
    }

    /** {@code set} followed by its x-flips: 2N images. */
    public static ImageSet of(ImageSet set) {
        int[] labels = null;
        if (set.labelled()) {
            labels = new int[2 * set.count()];
            System.arraycopy(set.labels(), 0, labels, 0, set.count());
            System.arraycopy(set.labels(), 0, labels, set.count(), set.count());
        }
        return new ImageSet(new Mirrored(set), 2 * set.count(), set.channels(), set.size(), labels, set.classNames(),
                set.source(), set.skippedFiles());
    }

    /** The images before mirroring: {@code set} itself when it is not mirrored. */
    public static ImageSet unflipped(ImageSet set) {
        return set.store() instanceof Mirrored m ? m.original : set;
    }

    /** {@code set} is a mirrored view (its second half are flips). */
    public static boolean isMirrored(ImageSet set) {
        return set.store() instanceof Mirrored;
    }

    @Override
    public void read(long pos, byte[] dst, int off, int len) {
        int per = original.imageBytes();
        byte[] img = null;
        while (len > 0) {
            if (pos < half) {   // an original: straight from the underlying store
                int n = (int) Math.min(len, half - pos);
                original.store().read(pos, dst, off, n);
                pos += n;
                off += n;
                len -= n;
                continue;
            }
            long rel = pos - half;
            int image = (int) (rel / per), at = (int) (rel % per), n = Math.min(len, per - at);
            if (img == null) img = new byte[per];
            original.image(image, img, 0);
            flipRows(img, original.size());
            System.arraycopy(img, at, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public long size() {
        return 2 * half;
    }

    /** Reverses every row of a C x H x W image in place: pixel (y, x) takes (y, W-1-x). */
    static void flipRows(byte[] img, int side) {
        for (int row = 0; row < img.length; row += side) {
            for (int a = row, b = row + side - 1; a < b; a++, b--) {
                byte t = img[a];
                img[a] = img[b];
                img[b] = t;
            }
        }
    }
}
