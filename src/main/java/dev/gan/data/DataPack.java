package dev.gan.data;

import dev.gan.UserException;
import dev.gan.config.DataConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code gan data pack} and {@code gan data info} need around the packer: the source's config, descriptions. */
public final class DataPack {
    /** Default side and channels when packing images (the DCGAN-64 of configs/dcgan-folder.yaml). */
    static final int IMAGE_SIZE = 64, IMAGE_CHANNELS = 3;

    private DataPack() {
    }

    /** The data section that reads {@code source}: a folder or zip ({@code folder}), else an IDX image file. */
    public static DataConfig sourceConfig(Path source, Integer size, Integer channels, int limit, String labels,
                                          String classNames, boolean skipBadFiles) {
        if (!Files.exists(source)) throw new UserException(source + ": no such file or folder; give a folder of images, "
                + "a zip archive of images or an IDX image file");
        if (PackedFile.isPacked(source)) {
            throw new UserException(source + ": is already a packed file; gan data info " + source + " shows what it holds");
        }
        if (channels != null && channels != 1 && channels != 3) {
            throw new UserException("--channels must be 1 (grayscale) or 3 (RGB) (got " + channels + ")");
        }
        if (size != null && (size < 4 || size > 1024)) {
            throw new UserException("--size must be between 4 and 1024 (got " + size + ")");
        }
        if (limit < 0) throw new UserException("--limit must be >= 0 (got " + limit + "; 0 = all images)");
        boolean images = Files.isDirectory(source) || source.toString().toLowerCase(Locale.ROOT).endsWith(".zip")
                || ImageFiles.isZip(source);
        if (images) {
            if (labels != null || classNames != null) {
                throw new UserException((labels != null ? "--labels" : "--class-names") + ": is for an IDX source; "
                        + source + " takes its classes from its sub-folders");
            }
            return new DataConfig("folder", null, null, source.toString(), size == null ? IMAGE_SIZE : size,
                    channels == null ? IMAGE_CHANNELS : channels, limit, skipBadFiles, null);
        }
        int side = size != null ? size : idxSide(source);
        return new DataConfig("idx", source.toString(), labels, null, side, channels == null ? 1 : channels, limit,
                false, classNames);
    }

    private static int idxSide(Path file) {
        int[] dims = IdxReader.read(file).dims();
        if (dims.length != 3) {
            throw new UserException(file + ": expected a folder, a zip archive or an IDX image file of shape [count, "
                    + "height, width], got an IDX file of shape " + java.util.Arrays.toString(dims));
        }
        return dims[1];
    }

    /** Writes the skipped files beside the packed file as {@code FILE.skipped.txt}. */
    public static Path writeSkipped(Path packed, List<String> skipped) {
        Path list = packed.resolveSibling(packed.getFileName() + ".skipped.txt");
        try {
            Files.write(list, skipped, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + list + ": " + e.getMessage(), e);
        }
        return list;
    }

    /** 2.46 GB, 118.0 MB, 12.0 kB. */
    public static String bytes(long n) {
        if (n >= 1e9) return String.format(Locale.ROOT, "%.2f GB", n / 1e9);
        if (n >= 1e6) return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
    }

    /** What {@code gan data info} prints: one fact per line. */
    /** Images of each class of a labelled packed file (read from its labels), in class-name order. */
    public static int[] classCounts(Path file, PackedHeader h) {
        int[] counts = new int[h.classNames().size()];
        ImageSet set = PackedFile.open(file, h.height(), h.channels(), 0);
        for (int l : set.labels()) counts[l]++;
        return counts;
    }

    /** The header as JSON, with the keys the file itself stores (snake_case). */
    public static com.fasterxml.jackson.databind.node.ObjectNode headerJson(PackedHeader h) {
        return PackedFile.JSON.valueToTree(h);
    }

    public static List<String> describe(Path file, PackedHeader h) {
        List<String> out = new ArrayList<>();
        out.add("file:     " + file + " (" + bytes(h.fileBytes()) + ")");
        out.add("format:   " + h.format() + " version " + h.version() + ", " + h.dtype() + " " + h.layout()
                + ", pixels at byte " + h.pixelsOffset() + (h.labelled() ? ", labels (" + h.labelsDtype() + ") at byte "
                + h.labelsOffset() : ""));
        out.add(String.format(Locale.ROOT, "images:   %d of %s (%d bytes each)", h.count(), h.shape(), h.imageBytes()));
        if (h.labelled()) {
            int[] counts = classCounts(file, h);
            List<String> parts = new ArrayList<>();
            for (int k = 0; k < counts.length; k++) parts.add(h.classNames().get(k) + " " + counts[k]);
            out.add("classes:  " + counts.length + ": " + String.join(", ", parts));
        } else {
            out.add("classes:  none (unlabelled)");
        }
        out.add("source:   " + h.source() + (h.skippedCount() > 0 ? " (" + h.skippedCount() + " unreadable files skipped)" : ""));
        out.add("created:  " + h.created() + " by " + h.tool());
        out.add("sha256:   " + h.sha256());
        return out;
    }
}
