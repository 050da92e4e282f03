package dev.gan.data;

import dev.gan.config.DataConfig;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the dataset a config's {@code data} section describes. A packed file is memory-mapped whichever format names
 * it ({@code packed}, or a {@code folder}'s path / an {@code idx} images file that starts with the packed magic).
 */
public final class Datasets {
    private Datasets() {
    }

    /** For evaluation and classifiers: folders and zips are decoded into memory. */
    public static ImageSet load(DataConfig cfg) {
        return load(cfg, null, null);
    }

    /**
     * For training: folders and zips are packed once into {@code cacheDir} and mapped ({@link DataCache}); without a
     * cache folder they are decoded into memory. {@code console} (may be null) hears about packing.
     */
    public static ImageSet load(DataConfig cfg, Path cacheDir, PrintStream console) {
        Path packed = packedFile(cfg);
        if (packed != null) return PackedFile.open(packed, cfg.imageSize(), cfg.channels(), cfg.limit());
        return switch (cfg.format()) {
            case "idx" -> IdxSource.load(cfg);
            case "folder" -> cacheDir == null ? FolderSource.load(cfg) : DataCache.load(cfg, cacheDir, console);
            default -> throw new IllegalStateException("format not validated: " + cfg.format());
        };
    }

    /**
     * A data section that reads {@code file} - a folder or zip of images, a packed file, or else an IDX image file -
     * the way {@code like} reads its data: resized and converted to the same side and channels, every image, no
     * flips, unlabelled unless a folder's or packed file's classes come with it. For images that are not training
     * data: {@code gan eval --images} and {@code --reference}.
     */
    public static DataConfig reading(Path file, DataConfig like) {
        boolean packed = PackedFile.isPacked(file);
        boolean folder = !packed && (Files.isDirectory(file) || ImageFiles.isZip(file));
        String format = packed ? "packed" : folder ? "folder" : "idx";
        return new DataConfig(format, format.equals("idx") ? file.toString() : null, null,
                format.equals("idx") ? null : file.toString(), like.imageSize(), like.channels(), 0,
                like.skipBadFiles(), null, false);
    }

    /** The packed file the config names, or null. */
    static Path packedFile(DataConfig cfg) {
        if ("packed".equals(cfg.format())) return Path.of(cfg.path());
        if ("folder".equals(cfg.format()) && cfg.path() != null && PackedFile.isPacked(Path.of(cfg.path()))) {
            return Path.of(cfg.path());
        }
        if ("idx".equals(cfg.format()) && cfg.images() != null && PackedFile.isPacked(Path.of(cfg.images()))) {
            return Path.of(cfg.images());
        }
        return null;
    }
}
