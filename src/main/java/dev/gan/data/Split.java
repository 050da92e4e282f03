package dev.gan.data;

import dev.gan.UserException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gan data split}: a folder (or zip) of images into {@code train/} and {@code heldout/} folders with the same
 * class sub-folders, so that a GAN trains on one and {@code gan eval --reference} scores it on images it never saw.
 * Each class gives the same share (stratified: a rare class is held out too), chosen by a seeded shuffle of the
 * class's files in name order, so the same seed gives the same split on any machine. Files are copied byte for byte.
 * The split is written beside {@code out} and moved into place, so {@code out} holds a whole split or none.
 */
public final class Split {
    /** Written into the split folder: where it came from and how, for whoever finds it later. */
    public static final String RECORD = "split.txt";
    private static final Pattern AMOUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)(%?)");

    private Split() {
    }

    /**
     * What was written.
     *
     * @param classes  class names (empty for an unlabelled folder)
     * @param train    images per class in train/
     * @param heldOut  images per class in heldout/
     */
    public record Result(List<String> classes, int[] train, int[] heldOut) {
        public int trainTotal() {
            return java.util.Arrays.stream(train).sum();
        }

        public int heldOutTotal() {
            return java.util.Arrays.stream(heldOut).sum();
        }
    }

    /** Splits {@code source} into {@code out/train} and {@code out/heldout}; {@code amount} is "N" or "P%". */
    public static Result write(Path source, String amount, long seed, Path out, boolean overwrite) {
        if (Files.exists(out) && !overwrite) {
            throw new UserException(out + ": already exists; choose another --out, or add --overwrite to replace its "
                    + "train/ and heldout/");
        }
        if (Files.isDirectory(source)
                && out.toAbsolutePath().normalize().startsWith(source.toAbsolutePath().normalize())) {
            throw new UserException(out + ": is inside " + source + ", where its folders would become classes; "
                    + "choose an --out outside the source");
        }
        try (ImageFiles.Listing listing = ImageFiles.list(source)) {
            int[] held = heldOutPerClass(amount, listing);
            Path partial = out.resolveSibling(out.getFileName() + ".partial");
            deleteTree(partial);
            int[] train = new int[held.length];
            for (int k = 0; k < held.length; k++) {
                List<ImageFiles.Entry> files = listing.files().get(k);
                int[] order = BatchSampler.permutation(files.size(), seed * 31 + k);
                String cls = listing.classNames().isEmpty() ? null : listing.classNames().get(k);
                for (int i = 0; i < files.size(); i++) {
                    ImageFiles.Entry e = files.get(order[i]);
                    Path dst = partial.resolve(i < held[k] ? "heldout" : "train")
                            .resolve(relative(source, listing, e, cls));
                    Files.createDirectories(dst.getParent());
                    Files.write(dst, e.bytes().read());
                }
                train[k] = files.size() - held[k];
            }
            Result r = new Result(listing.classNames(), train, held);
            Files.writeString(partial.resolve(RECORD), String.format(Locale.ROOT, "gan data split %s --heldout %s "
                    + "--seed %d%ntrain %d images, heldout %d images%n", source, amount, seed, r.trainTotal(),
                    r.heldOutTotal()));
            Files.createDirectories(out);
            for (String part : new String[]{"train", "heldout", RECORD}) {
                deleteTree(out.resolve(part));
                Files.move(partial.resolve(part), out.resolve(part));
            }
            deleteTree(partial);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "N" images in all, shared among classes by size (largest remainders), or "P%" of each class. */
    static int[] heldOutPerClass(String amount, ImageFiles.Listing listing) {
        Matcher m = AMOUNT.matcher(amount.strip());
        int total = listing.size(), classes = listing.files().size();
        double v = m.matches() ? Double.parseDouble(m.group(1)) : -1;
        boolean percent = m.matches() && !m.group(2).isEmpty();
        if (!m.matches() || v <= 0 || (percent ? v >= 100 : v != Math.rint(v) || v >= total)) {
            throw new UserException("--heldout " + amount + ": must be a number of images (1.." + (total - 1) + " of "
                    + total + " in " + listing.root() + ") or a percentage below 100, e.g. 10%");
        }
        double share = percent ? v / 100 : v / total;
        int[] held = new int[classes];
        double[] rest = new double[classes];
        int given = 0;
        for (int k = 0; k < classes; k++) {
            double exact = share * listing.files().get(k).size();
            held[k] = (int) Math.floor(exact);
            rest[k] = exact - held[k];
            given += held[k];
        }
        int want = percent ? (int) Math.round(share * total) : (int) v;
        for (; given < want; given++) {   // the rounding's remainder goes to the classes closest to one more image
            int best = 0;
            for (int k = 1; k < classes; k++) if (rest[k] > rest[best]) best = k;
            held[best]++;
            rest[best] = -1;
        }
        for (int k = 0; k < classes; k++) {
            if (held[k] >= listing.files().get(k).size()) {
                String name = listing.classNames().isEmpty() ? listing.root() : "class " + listing.classNames().get(k);
                throw new UserException("--heldout " + amount + ": would leave " + name + " no training image (it has "
                        + listing.files().get(k).size() + "); hold out fewer");
            }
        }
        return held;
    }

    /** Where a file goes under train/ or heldout/: its path below the source root (class folder first). */
    private static String relative(Path source, ImageFiles.Listing listing, ImageFiles.Entry e, String cls) {
        if (listing.archive() == null) return source.relativize(Path.of(e.name())).toString();
        String inZip = e.name().substring(e.name().indexOf('!') + 1);
        if (cls == null) return inZip.substring(inZip.lastIndexOf('/') + 1);
        int at = inZip.startsWith(cls + "/") ? 0 : inZip.indexOf("/" + cls + "/") + 1;
        return inZip.substring(at);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        if (!Files.isDirectory(root)) {
            Files.delete(root);
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
