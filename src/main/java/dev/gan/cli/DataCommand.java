package dev.gan.cli;

import dev.gan.UserException;
import dev.gan.config.DataConfig;
import dev.gan.data.DataBench;
import dev.gan.data.DataPack;
import dev.gan.data.PackedFile;
import dev.gan.data.PackedHeader;
import dev.gan.data.Packer;
import dev.gan.data.FolderSource;
import dev.gan.data.Split;
import dev.gan.data.TrainingData;
import dev.gan.sample.SeedList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gan data}: pack a dataset into one memory-mappable file, show what a packed file holds, time the pipeline. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Datasets: pack images into one file that training memory-maps, inspect one, time the data "
                + "pipeline, hold out a split for evaluation. See docs/data.md."},
        subcommands = {DataCommand.Pack.class, DataCommand.Info.class, DataCommand.Bench.class,
                DataCommand.SplitFolder.class})
final class DataCommand {
    @ParentCommand
    Gan root;

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

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The packed file to write.")
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

        @Mixin
        Overwrite overwrite;

        @Override
        public Integer call() {
            Gan root = data.root;
            DataConfig cfg = DataPack.sourceConfig(source, size, channels, limit, labels, classNames, skipBadFiles);
            Packer.requireNew(out, overwrite.overwrite);
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

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "A packed file from gan data "
                + "pack (a dataset is the operand of gan data, as in pack and split).")
        Path file;

        @Option(names = "--checkpoint", paramLabel = CheckpointOption.LABEL, description = "Instead of FILE: the "
                + "packed file a run trains on (its data.path, or the cache a folder was packed into).")
        Path checkpoint;

        @Option(names = "--verify", description = "Read all the data and check it against the header's SHA-256.")
        boolean verify;

        @Mixin
        JsonOutput json;

        @Override
        public Integer call() {
            Gan root = data.root;
            if ((file == null) == (checkpoint == null)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "gan data info: give a packed "
                        + "FILE or --checkpoint CKPT|RUN_DIR (the data a run trains on), one of them");
            }
            Path file = this.file != null ? this.file : TrainingData.packedFile(runConfig(checkpoint),
                    checkpoint.toString());
            PackedHeader h = PackedFile.header(file);
            if (!json.json) DataPack.describe(file, h).forEach(root.out::println);
            if (verify) {
                String actual = PackedFile.digest(file, h, null);
                if (!actual.equals(h.sha256())) {
                    throw new UserException(file + ": corrupt: the SHA-256 of its data is " + actual + " but its header "
                            + "records " + h.sha256() + "; pack it again with gan data pack");
                }
                json.console(root).println("verified: the data matches the header's SHA-256");
            }
            if (json.json) {
                var o = JsonOutput.object();
                o.put("file", file.toString());
                o.put("file_bytes", h.fileBytes());
                o.set("header", DataPack.headerJson(h));
                if (h.labelled()) {
                    var counts = o.putObject("class_counts");
                    int[] c = DataPack.classCounts(file, h);
                    for (int k = 0; k < c.length; k++) counts.put(h.classNames().get(k), c[k]);
                }
                if (verify) o.put("verified", true);
                JsonOutput.print(root, o);
            }
            return Gan.OK;
        }

        /** The config a checkpoint was trained with (the one it carries: a run's config.yaml may have been edited). */
        private static dev.gan.config.ExperimentConfig runConfig(Path checkpointOrRun) {
            Path file = dev.gan.io.Checkpoints.resolve(checkpointOrRun);
            String yaml = dev.gan.io.Checkpoints.read(file, false).configYaml();
            return dev.gan.config.ConfigLoader.fromYaml(yaml, file + "!config.yaml", java.util.List.of());
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

        @Mixin
        ConfigOptions config;

        @Option(names = "--batches", defaultValue = "200", paramLabel = "N",
                description = "Timed batches (default ${DEFAULT-VALUE}), after 10 untimed ones.")
        int batches;

        @Override
        public Integer call() {
            if (batches < 1) throw new UserException("gan data bench: --batches must be >= 1 (got " + batches + ")");
            data.root.out.println(DataBench.run(config.load(), config.name(), batches, data.root.out));
            return Gan.OK;
        }
    }

    /** {@code gan data split}. */
    @Command(name = "split", mixinStandardHelpOptions = true,
            description = {"Hold out images for evaluation: copy a folder (or zip) of images into OUT/train and "
                    + "OUT/heldout, class sub-folders kept, the same share of every class, chosen by --seed.",
                    "Train on OUT/train; score with gan eval --reference OUT/heldout. See docs/evaluation.md."})
    static final class SplitFolder implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Parameters(index = "0", paramLabel = "SRC", description = "A folder of images (one sub-folder per class) or "
                + "a .zip of one.")
        Path source;

        @Option(names = "--heldout", required = true, paramLabel = "N|P%",
                description = "Images to hold out: N in all (shared among classes by size) or P%% of each class.")
        String heldout;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Where train/ and heldout/ go.")
        Path out;

        @Option(names = "--seed", paramLabel = "N", defaultValue = SeedList.DEFAULT_TEXT,
                description = "Seed of the choice (default: ${DEFAULT-VALUE}).")
        long seed;

        @Mixin
        Overwrite overwrite;

        @Override
        public Integer call() {
            Split.Result r = Split.write(source, heldout, seed, out, overwrite.overwrite);
            data.root.out.printf(Locale.ROOT, "split %,d images of %s%s: %,d into %s, %,d into %s (seed %d)%n",
                    r.trainTotal() + r.heldOutTotal(), source, r.classes().isEmpty() ? ""
                            : " (" + r.classes().size() + " classes)", r.trainTotal(), out.resolve("train"),
                    r.heldOutTotal(), out.resolve("heldout"), seed);
            return Gan.OK;
        }
    }
}
