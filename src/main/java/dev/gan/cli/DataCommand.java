package dev.gan.cli;

import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.DataConfig;
import dev.gan.config.ExperimentConfig;
import dev.gan.data.DataPack;
import dev.gan.data.PackedFile;
import dev.gan.data.PackedHeader;
import dev.gan.data.Packer;
import dev.gan.data.FolderSource;
import dev.gan.train.DataBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gan data}: pack a dataset into one memory-mappable file, show what a packed file holds, time the pipeline. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Datasets: pack images into one file that training memory-maps, inspect one, time the data "
                + "pipeline. See docs/data.md."},
        subcommands = {DataCommand.Pack.class, DataCommand.Info.class, DataCommand.Bench.class})
final class DataCommand implements Runnable {
    @ParentCommand
    Gan root;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(root.out);
    }

    /** {@code gan data pack}. */
    @Command(name = "pack", mixinStandardHelpOptions = true,
            description = {"Pack a folder of images (one sub-folder per class), a zip archive of one, or an IDX image "
                    + "file into one packed file: uint8 pixels [N, C, H, W], labels, class names, SHA-256.",
                    "Decodes on all cores; writes under a temporary name and renames, so FILE is whole or absent."})
    static final class Pack implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Parameters(index = "0", paramLabel = "SRC", description = "A folder, a .zip of images, or an IDX image file.")
        Path source;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The packed file to write.")
        Path out;

        @Option(names = "--size", paramLabel = "N", description = "Side of the square images to store: they are "
                + "centre-cropped and resized to it (default: 64 for images, the file's own side for IDX).")
        Integer size;

        @Option(names = "--channels", paramLabel = "1|3", description = "1 (grayscale) or 3 (RGB) (default: 3 for "
                + "images, 1 for IDX).")
        Integer channels;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
                description = "Only the first N images, classes in turn (default: all).")
        int limit;

        @Option(names = "--labels", paramLabel = "IDX", description = "IDX source: its label file.")
        String labels;

        @Option(names = "--class-names", paramLabel = "A,B,..", description = "IDX source: names of the classes.")
        String classNames;

        @Option(names = "--skip-bad-files", description = "Leave out unreadable image files (listed in FILE.skipped.txt) "
                + "instead of stopping.")
        boolean skipBadFiles;

        @Option(names = "--overwrite", description = "Replace FILE if it exists.")
        boolean overwrite;

        @Override
        public Integer call() {
            Gan root = data.root;
            DataConfig cfg = DataPack.sourceConfig(source, size, channels, limit, labels, classNames, skipBadFiles);
            Packer.requireNew(out, overwrite);
            long t0 = System.nanoTime();
            Packer.Packed p = Packer.pack(cfg, out, new PackProgress(root.out, root.terminal()));
            if (p.removedStale().any()) root.out.println(p.removedStale().line());
            double s = (System.nanoTime() - t0) / 1e9;
            PackedHeader h = p.header();
            root.out.printf(Locale.ROOT, "packed %d images %s%s from %s into %s (%s) in %.1f s (%.0f images/s)%n",
                    h.count(), h.shape(), h.labelled() ? ", " + h.classNames().size() + " classes" : "", h.source(),
                    out, DataPack.bytes(h.fileBytes()), s, h.count() / s);
            if (!p.skipped().isEmpty()) {
                Path list = DataPack.writeSkipped(out, p.skipped());
                root.out.println("WARNING: " + FolderSource.skippedWarning(p.skipped(), list.toString()));
            }
            root.out.println("sha256 " + h.sha256());
            return Gan.OK;
        }
    }

    /** {@code gan data info}. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = {"What a packed file holds: images, shape, classes with their counts, source, SHA-256."})
    static final class Info implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Parameters(index = "0", paramLabel = "FILE", description = "A packed file from gan data pack.")
        Path file;

        @Option(names = "--verify", description = "Read all the data and check it against the header's SHA-256.")
        boolean verify;

        @Override
        public Integer call() {
            Gan root = data.root;
            PackedHeader h = PackedFile.header(file);
            DataPack.describe(file, h).forEach(root.out::println);
            if (verify) {
                String actual = PackedFile.digest(file, h, null);
                if (!actual.equals(h.sha256())) {
                    throw new UserException(file + ": corrupt: the SHA-256 of its data is " + actual + " but its header "
                            + "records " + h.sha256() + "; pack it again with gan data pack");
                }
                root.out.println("verified: the data matches the header's SHA-256");
            }
            return Gan.OK;
        }
    }

    /** {@code gan data bench}. */
    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = {"Time the data pipeline alone: batches of a config's training data assembled as training "
                    + "draws them (read, scaled to floats, prefetched), no step.",
                    "Last line: data-bench <name>: img_s=.. batches=.. batch_size=.. images=.. source=.."})
    static final class Bench implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Experiment config.")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
        List<String> sets = new ArrayList<>();

        @Option(names = "--batches", defaultValue = "200", paramLabel = "N",
                description = "Timed batches (default ${DEFAULT-VALUE}), after 10 untimed ones.")
        int batches;

        @Override
        public Integer call() {
            if (batches < 1) throw new UserException("gan data bench: --batches must be >= 1 (got " + batches + ")");
            ExperimentConfig cfg = ConfigLoader.load(config, sets);
            String name = config.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
            data.root.out.println(DataBench.run(cfg, name, batches, data.root.out));
            return Gan.OK;
        }
    }
}
