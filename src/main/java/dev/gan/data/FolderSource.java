package dev.gan.data;

import dev.gan.MemoryUse;
import dev.gan.UserException;
import dev.gan.config.DataConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The image-folder source ({@code data.format: folder}): PNG, JPEG, WebP, TIFF, BMP and GIF files
 * ({@link ImageFiles#EXTENSIONS}) under {@code data.path}, a folder or a zip archive of one, either sorted into one
 * sub-folder per class (label = index of the sub-folder among the sub-folders sorted by name) or all directly in the
 * root (an unlabelled dataset); {@link ImageFiles} lists them.
 * Every image is centre-cropped to a square, resized to {@code data.image_size} and converted to
 * {@code data.channels} by {@link ImageOps#toChw}, so image sizes and grayscale/RGB may be mixed. Decoding runs on
 * all cores ({@link ParallelDecoder}).
 *
 * <p>{@link #load} decodes into memory (evaluation, classifiers, small sets); training packs the images into a file
 * once and maps it ({@link DataCache}), through {@link #decode}, so that a set of any size trains with a small heap.
 *
 * <p>A file with an image extension that ImageIO cannot decode stops loading with its path, unless
 * {@code data.skip_bad_files} is set: then it is left out and listed in {@link ImageSet#skippedFiles()}.
 */
public final class FolderSource {
    /** File name endings read as images, compared in lower case. */
    public static final List<String> EXTENSIONS = ImageFiles.EXTENSIONS;
    /** How many skipped files a warning names before it refers to the full list. */
    private static final int NAMED_IN_WARNING = 5;

    private FolderSource() {
    }

    /** The whole (or data.limit of the) folder decoded into one Java array. */
    public static ImageSet load(DataConfig cfg) {
        try (ImageFiles.Listing listing = ImageFiles.list(Path.of(cfg.path()))) {
            int want = want(cfg, listing);
            int per = cfg.channels() * cfg.imageSize() * cfg.imageSize();
            if ((long) want * per > Integer.MAX_VALUE - 16) {
                throw new UserException(listing.root() + ": " + want + " images of " + cfg.imageSize() + "x"
                        + cfg.imageSize() + "x" + cfg.channels() + " are over 2 GB, more than one Java array holds; "
                        + "pack them with gan data pack " + listing.root() + " --out FILE.packed and use that file");
            }
            MemoryUse.dataset(String.format(java.util.Locale.ROOT, "%d images %dx%dx%d (%s) from %s, decoded onto "
                    + "the Java heap", want, cfg.imageSize(), cfg.imageSize(), cfg.channels(),
                    DataPack.bytes((long) want * per), listing.root()));
            byte[] pixels = new byte[want * per];
            int[] labels = new int[want];
            ParallelDecoder.Result r = decode(cfg, listing, (n, chw, label) -> {
                System.arraycopy(chw, 0, pixels, n * per, per);
                labels[n] = label;
            }, null);
            int n = r.count();
            List<String> classNames = listing.classNames();
            return new ImageSet(n < want ? Arrays.copyOf(pixels, n * per) : pixels, n, cfg.channels(), cfg.imageSize(),
                    classNames.isEmpty() ? null : Arrays.copyOf(labels, n), classNames, listing.root(), r.skipped());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Images to read: all, or data.limit of them. */
    static int want(DataConfig cfg, ImageFiles.Listing listing) {
        return cfg.limit() > 0 ? Math.min(cfg.limit(), listing.size()) : listing.size();
    }

    /**
     * Decodes the listed images (class by class in turn, up to data.limit) into {@code sink} on all cores, and checks
     * that something - and something of every class - could be read.
     */
    public static ParallelDecoder.Result decode(DataConfig cfg, ImageFiles.Listing listing, ParallelDecoder.Sink sink,
                                                java.util.function.LongConsumer progress) throws IOException {
        List<List<ImageFiles.Entry>> files = listing.files();
        ParallelDecoder.Result r = ParallelDecoder.decode(listing.interleaved(), want(cfg, listing), cfg.imageSize(),
                cfg.channels(), files.size(), cfg.skipBadFiles(), sink, progress);
        List<String> skipped = r.skipped();
        if (r.count() == 0) {
            throw new UserException(listing.root() + ": none of its " + skipped.size() + " image files could be read "
                    + "(e.g. " + skipped.get(0) + "); check that they are " + ImageFiles.KINDS + " images");
        }
        Set<String> bad = new HashSet<>(skipped);
        for (int k = 0; k < files.size(); k++) {
            if (r.perClass()[k] == 0 && files.get(k).stream().allMatch(f -> bad.contains(f.name()))) {
                String where = listing.archive() == null ? Path.of(listing.root()).resolve(listing.classNames().get(k))
                        .toString() : listing.root() + "!" + listing.classNames().get(k);
                throw new UserException(where + ": none of its " + files.get(k).size()
                        + " image files could be read; fix them or remove the class folder");
            }
        }
        return r;
    }

    /** One line for the run log about the files {@code data.skip_bad_files} left out. */
    public static String skippedWarning(List<String> skipped, String fullListFile) {
        String named = String.join(", ", skipped.subList(0, Math.min(NAMED_IN_WARNING, skipped.size())));
        String more = skipped.size() > NAMED_IN_WARNING
                ? ", ... (all " + skipped.size() + " in " + fullListFile + ")" : "";
        String what = skipped.size() == 1 ? " file that is not a readable image" : " files that are not readable images";
        return "data: skipped " + skipped.size() + what + " (data.skip_bad_files is true): " + named + more;
    }
}
