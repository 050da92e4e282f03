package dev.gan.cli;

import dev.gan.config.ConfigLoader;
import dev.gan.config.DataConfig;
import dev.gan.config.ExperimentConfig;
import dev.gan.eval.ClassifierFile;
import dev.gan.eval.ClassifierInfo;
import dev.gan.eval.ClassifierTraining;
import dev.gan.eval.PseudoLabels;
import dev.gan.sample.SeedList;
import dev.gan.system.Backend;
import dev.gan.system.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gan classifier}: the domain classifier that {@code gan eval} scores samples with. */
@Command(name = "classifier", mixinStandardHelpOptions = true,
        description = "The domain classifier behind gan eval's metrics.",
        subcommands = {ClassifierCommand.Train.class, CommandLine.HelpCommand.class})
final class ClassifierCommand {
    @ParentCommand
    Gan root;

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train the domain classifier on a labelled dataset (or, with --clusters, on k-means clusters of "
                    + "any images).",
                    "A small CNN on the data section of a training config, saved with its protocol: FILE.zip and "
                            + "FILE.json (dataset fingerprint, test accuracy).",
                    "The test images are never trained on: give the dataset's separate training split with "
                            + "--train-images/--train-labels, or 20%% of the config's data is held out.",
                    "A folder without classes, or with a few coarse ones: --clusters K learns K k-means clusters of "
                            + "look-alike images in each class (of all images when there are no classes)."})
    static final class Train implements Callable<Integer> {
        @ParentCommand
        ClassifierCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true,
                description = "Training config whose data section is the reference data (e.g. configs/dcgan.yaml).")
        Path config;

        @Mixin
        Overrides overrides;

        @Option(names = "--train-images", paramLabel = "IDX",
                description = "Train on this separate split (IDX images) and test on all of the config's data.")
        Path trainImages;

        @Option(names = "--train-labels", paramLabel = "IDX", description = "Labels of --train-images.")
        Path trainLabels;

        @Option(names = "--epochs", paramLabel = "N", defaultValue = "3", description = "Passes over the training "
                + "images (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--seed", paramLabel = "N", defaultValue = SeedList.DEFAULT_TEXT, description = "Seed of weights, batch order "
                + "and hold-out split (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--clusters", paramLabel = "K", defaultValue = "0", description = "Learn K k-means clusters "
                + "of each class (of all images when the data has no classes) instead of the classes themselves: "
                + "finer features for coarse classes, and labels for an unlabelled folder; e.g. 10 "
                + "(default: ${DEFAULT-VALUE}, the classes).")
        int clusters;

        @Option(names = {"-o", "--out"}, paramLabel = "FILE.zip",
                description = "Where to save it (default: classifiers/<config name>.zip); an existing one is refused "
                        + "without --overwrite.")
        Path out;

        @Mixin
        Overwrite overwrite;

        @Mixin
        JsonOutput json;

        @Override
        public Integer call() {
            if ((trainImages == null) != (trainLabels == null)) {
                throw new ParameterException(spec.commandLine(), "gan classifier train: --train-images and "
                        + "--train-labels go together (a training split needs its labels)");
            }
            if (epochs < 1) throw new ParameterException(spec.commandLine(), "gan classifier train: --epochs must be >= 1 (got " + epochs + ")");
            PseudoLabels.requireK(clusters);   // before the data is read: a bad value is a usage error
            ExperimentConfig cfg = ConfigLoader.load(config, overrides.sets);
            DataConfig split = null;
            if (trainImages != null) {
                // the training split is the config's data section with other files, through the same funnel
                List<String> splitSets = new ArrayList<>(overrides.sets);
                splitSets.addAll(List.of("data.format=idx", "data.images=" + trainImages, "data.labels=" + trainLabels,
                        "data.limit=0"));
                split = ConfigLoader.load(config, splitSets).data();
            }
            Path target = out != null ? out : Path.of("classifiers", cfg.name() + ".zip");
            ClassifierTraining.requireNew(target, overwrite.overwrite);
            Backend.init();
            Gan root = parent.root;
            ClassifierInfo info = ClassifierTraining.train(cfg.data(), split, epochs, seed, clusters, target,
                    Version.get(), json.console(root));
            if (json.json) {
                var o = JsonOutput.object();
                o.put("file", target.toString());
                o.put("info_file", ClassifierFile.infoFile(target).toString());
                o.set("info", ClassifierFile.JSON.valueToTree(info));
                JsonOutput.print(root, o);
            }
            return Gan.OK;
        }
    }
}
