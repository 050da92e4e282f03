package dev.gan.sample;

import dev.gan.UserException;
import dev.gan.data.IdxReader;
import dev.gan.data.PackedWriter;
import dev.gan.io.AtomicFiles;
import dev.gan.io.ImageGrid;
import dev.gan.system.Version;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code --export folder|idx}: a labelled synthetic dataset the trainer reads back, streamed batch by batch so that
 * memory holds one batch whatever the size. Image {@code i} is image {@code i} of the seed (as in {@code --samples}),
 * its class the chosen classes in turn, so an IDX and a folder export with the same seed hold the same images.
 *
 * <ul>
 * <li>{@code idx}: {@code images-idx3-ubyte} [N, H, W] and, for a CGAN, {@code labels-idx1-ubyte} [N] (uncompressed;
 * the reader takes both). The header is written first, as N is known, then the pixels batch by batch.</li>
 * <li>{@code folder}: {@code <class>/NNNNNN.png}, one sub-folder per class named after it; a DCGAN's images go
 * straight into the folder (an unlabelled image folder).</li>
 * </ul>
 * Every file is written under a temporary name and renamed, and {@code manifest.json} comes last.
 */
public final class DatasetExport {
    public static final String IMAGES = "images-idx3-ubyte", LABELS = "labels-idx1-ubyte", PACKED = "images.packed";
    /** The IDX reader loads a file into one byte array. */
    private static final long IDX_MAX_BYTES = Integer.MAX_VALUE - 16;

    /** Export format, as given to {@code --export}. */
    public enum Format { folder, idx, packed }

    private DatasetExport() {
    }

    /** Checks what can be checked before generating: the format fits the model, the folder may be written. */
    static void check(SampleModel model, Format format, long count, Path dir, boolean overwrite) {
        int c = model.shape().channels(), size = model.shape().size();
        if (format == Format.idx && c != 1) {
            throw new UserException("--export idx: IDX files hold grayscale images and " + model.file() + " makes "
                    + "RGB images (" + c + " channels); use --export folder");
        }
        if (format == Format.idx && count * size * size > IDX_MAX_BYTES) {
            throw new UserException("--export idx: " + count + " images of " + size + "x" + size + " make an IDX file "
                    + "over 2 GB, which gan cannot read back; export fewer images or use --export folder");
        }
        OutputFiles.requireEmpty(dir, overwrite);
    }

    /**
     * Writes {@code count} images and the manifest; a CGAN's classes take turns, so each chosen class gets
     * {@code count / n} images and the first {@code count % n} one more ({@code perClass} when they divide, else 0).
     */
    static List<String> write(SampleModel model, ClassChoice classes, Format format, long count, long perClass, long seed,
                              int batchSize, Path dir, ProgressReport progress, PrintWarning warn) {
        OutputFiles.createDir(dir);
        List<String> files;
        if (format == Format.packed) {
            files = packed(model, classes, count, seed, batchSize, dir, progress);
            reportLeftovers(dir, p -> dir.equals(p.getParent()) && files.contains(p.getFileName().toString()), warn);
        } else if (format == Format.idx) {
            files = idx(model, classes, count, seed, batchSize, dir, progress);
            reportLeftovers(dir, p -> dir.equals(p.getParent()) && files.contains(p.getFileName().toString()), warn);
        } else {
            files = folder(model, classes, count, seed, batchSize, dir, progress, warn);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        int n = classes.indices().length;
        for (int j = 0; j < n; j++) counts.put(model.classNames().get(classes.indices()[j]), count / n + (j < count % n ? 1 : 0));
        new Manifest(Version.get(), Instant.now().toString(), model.file().toAbsolutePath().toString(), model.step(),
                model.state().ganVersion(), model.state().modelType(), seed, format.name(), model.shape().size(),
                model.shape().channels(), count, perClass, model.classNames(), counts, files).write(dir);
        return files;
    }

    /** Where a caller hears about files it may not expect (left-overs of an earlier export). */
    @FunctionalInterface
    interface PrintWarning {
        void warn(String line);
    }

    private static List<String> idx(SampleModel model, ClassChoice classes, long count, long seed, int batchSize,
                                   Path dir, ProgressReport progress) {
        int size = model.shape().size();
        AtomicFiles.write(dir.resolve(IMAGES), raw -> {
            OutputStream out = new BufferedOutputStream(raw, 1 << 16);
            out.write(header(new int[]{(int) count, size, size}));
            try {
                ImageStream.run(model, classes, seed, count, batchSize, progress, (first, images, labels) -> {
                    float[] px = images.dup('c').data().asFloat();
                    byte[] bytes = new byte[px.length];
                    for (int i = 0; i < px.length; i++) bytes[i] = (byte) ImageGrid.toByte(px[i]);
                    out.write(bytes);
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();   // as an IOException AtomicFiles removes its temporary file
            }
            out.flush();
        });
        if (classes.none()) return List.of(IMAGES);
        AtomicFiles.write(dir.resolve(LABELS), raw -> {
            OutputStream out = new BufferedOutputStream(raw, 1 << 16);
            out.write(header(new int[]{(int) count}));
            for (long i = 0; i < count; i++) out.write(classes.labelOf(i));
            out.flush();
        });
        return List.of(IMAGES, LABELS);
    }

    /**
     * {@code images.packed}: one packed file (docs/data.md) of uint8 RGB or grayscale images with the model's class
     * names, streamed batch by batch, memory-mapped when trained on ({@code data.path}) or scored
     * ({@code gan eval --images}).
     */
    private static List<String> packed(SampleModel model, ClassChoice classes, long count, long seed, int batchSize,
                                       Path dir, ProgressReport progress) {
        Path target = dir.resolve(PACKED);
        List<String> names = classes.none() ? List.of() : model.classNames();
        String source = model.file().toAbsolutePath() + " (step " + model.step() + ", seed " + seed + ")";
        try (PackedWriter w = new PackedWriter(target, model.shape().channels(), model.shape().size(), names, source)) {
            int per = model.shape().channels() * model.shape().size() * model.shape().size();
            ImageStream.run(model, classes, seed, count, batchSize, progress, (first, images, labels) -> {
                float[] px = images.dup('c').data().asFloat();
                byte[] bytes = new byte[px.length];
                for (int i = 0; i < px.length; i++) bytes[i] = (byte) ImageGrid.toByte(px[i]);
                for (int j = 0; j < images.size(0); j++) w.add(bytes, j * per, labels == null ? 0 : labels[j]);
            });
            w.finish(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return List.of(PACKED);
    }

    /** An IDX header alone: the encoding of an array with these dimensions and no elements yet. */
    private static byte[] header(int[] dims) {
        return IdxReader.encode(dims, new byte[0]);
    }

    private static List<String> folder(SampleModel model, ClassChoice classes, long count, long seed, int batchSize,
                                      Path dir, ProgressReport progress, PrintWarning warn) {
        List<String> folders = OutputFiles.classFolders(model.classNames());
        int n = Math.max(1, classes.indices().length);
        ImageStream.run(model, classes, seed, count, batchSize, progress, (first, images, labels) -> {
            for (int j = 0; j < images.size(0); j++) {
                String name = imageName((first + j) / n);
                Path file = labels == null ? dir.resolve(name) : dir.resolve(folders.get(labels[j])).resolve(name);
                ImageGrid.writePngUnsynced(ImageGrid.single(images.get(NDArrayIndex.point(j))), file);
            }
        });
        Set<Path> ours = new HashSet<>();
        if (classes.none()) ours.add(dir);
        for (int k : classes.indices()) ours.add(dir.resolve(folders.get(k)));
        reportLeftovers(dir, p -> ours.contains(p.getParent()) && isImageName(p, (count + n - 1) / n), warn);
        List<String> out = new ArrayList<>();
        for (int k : classes.indices()) out.add(folders.get(k) + "/");
        return out.isEmpty() ? List.of(imageName(0) + " .. " + imageName(count - 1)) : out;
    }

    private static String imageName(long indexInFolder) {
        return String.format("%06d.png", indexInFolder);
    }

    private static boolean isImageName(Path p, long perFolder) {
        String name = p.getFileName().toString();
        if (!name.matches("\\d{6,}\\.png")) return false;
        return Long.parseLong(name.substring(0, name.length() - 4)) < perFolder;
    }

    /**
     * With --overwrite, files of an earlier export stay where they were (nothing is deleted), and a folder dataset
     * would read their images too, or a label file may not match: say so. Streams the listing, so memory stays flat
     * for big exports.
     */
    private static void reportLeftovers(Path dir, java.util.function.Predicate<Path> written, PrintWarning warn) {
        try (Stream<Path> s = Files.walk(dir)) {
            long[] others = {0};
            Path[] example = {null};
            s.filter(Files::isRegularFile)
                    .filter(p -> !written.test(p) && !p.equals(dir.resolve(Manifest.FILE)))
                    .forEach(p -> {
                        if (others[0]++ == 0) example[0] = p;
                    });
            if (others[0] > 0) {
                warn.warn(dir + " holds " + others[0] + " other files that this export did not write (e.g. "
                        + dir.relativize(example[0]) + "); they were left in place: they are not part of this "
                        + "export, but a folder dataset would read the images among them");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
