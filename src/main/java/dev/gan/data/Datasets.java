package dev.gan.data;

import dev.gan.config.DataConfig;

import java.io.PrintStream;
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
