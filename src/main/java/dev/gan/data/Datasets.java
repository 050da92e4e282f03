package dev.gan.data;

import dev.gan.config.DataConfig;

/** Loads the dataset a config's {@code data} section describes. */
public final class Datasets {
    private Datasets() {
    }

    public static ImageSet load(DataConfig cfg) {
        return switch (cfg.format()) {
            case "idx" -> IdxSource.load(cfg);
            case "folder" -> FolderSource.load(cfg);
            default -> throw new IllegalStateException("format not validated: " + cfg.format());
        };
    }
}
