package dev.gan.data;

import dev.gan.config.DataConfig;
import dev.gan.config.ExperimentConfig;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A config's dataset as training (and everything that must see the same images: bench, eval, the dry run) opens it:
 * folders and zips through the data cache beside the runs, for a self-conditioned DCGAN labelled by its clusters,
 * and with data.mirror doubled by its flips.
 */
public final class TrainingData {
    private TrainingData() {
    }

    /**
     * The config's dataset as training sees it: for a self-conditioned DCGAN ({@code model.clusters}), labelled by
     * its k-means clusters (seeded, so a resumed run gets the same ones); with {@code data.mirror}, followed by its
     * x-flips (after clustering: a flip keeps its image's cluster).
     */
    public static ImageSet load(ExperimentConfig cfg) {
        return load(cfg, null);
    }

    /**
     * {@link #load(ExperimentConfig)}, telling {@code console} (may be null) when a folder or zip is packed into
     * the data cache ({@link #cache}) on first use.
     */
    public static ImageSet load(ExperimentConfig cfg, PrintStream console) {
        ImageSet data = Datasets.load(cfg.data(), cache(cfg), console);
        int k = cfg.model().clusters();
        if (k > 0) data = Clusters.label(data, k, cfg.seed());   // validation allows clusters only for dcgan
        return cfg.data().mirror() ? Mirrored.of(data) : data;
    }

    /**
     * Where training packs folders and zips of images once, to map them rather than decode them again:
     * {@code <output.runs_dir>/.data-cache}, beside the runs that use them.
     */
    public static Path cache(ExperimentConfig cfg) {
        return Path.of(cfg.output().runsDir()).resolve(DataCache.FOLDER);
    }

    /**
     * The packed file a run's training data is mapped from: {@code data.path} for {@code packed}, the cache file of a
     * folder or zip (once training has packed it); IDX files are read as they are and have none.
     */
    public static Path packedFile(ExperimentConfig cfg, String run) {
        DataConfig d = cfg.data();
        switch (d.format()) {
            case "packed" -> {
                return Path.of(d.path());
            }
            case "folder" -> {
                Path file = DataCache.fileFor(d, cache(cfg));
                if (!java.nio.file.Files.isRegularFile(file)) {
                    throw new dev.gan.UserException(run + ": its images (" + d.path() + ") are not packed yet (no "
                            + file + "); training packs them on its first step, or pack them with gan data pack");
                }
                return file;
            }
            default -> throw new dev.gan.UserException(run + ": trains on " + d.format() + " files (" + d.images()
                    + "), read as they are; gan data info describes packed files (make one with gan data pack "
                    + d.images() + " -o FILE.packed)");
        }
    }
}
