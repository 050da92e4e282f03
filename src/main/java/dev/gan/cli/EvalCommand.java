package dev.gan.cli;

import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.DataConfig;
import dev.gan.config.ExperimentConfig;
import dev.gan.data.Datasets;
import dev.gan.data.ImageFiles;
import dev.gan.data.PackedFile;
import dev.gan.eval.ClassifierFile;
import dev.gan.eval.EvalReport;
import dev.gan.eval.GanEval;
import dev.gan.eval.ShippedClassifiers;
import dev.gan.io.AtomicFiles;
import dev.gan.io.Checkpoints;
import dev.gan.system.Backend;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gan eval}: FID, KID, IS, precision/recall, coverage (and for CGANs conditional accuracy and CAS). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Score a checkpoint's samples (or any images): FID, KID, IS, precision/recall, coverage.",
                "Compares with real images through a domain classifier: FID, KID, Inception-style score, k-NN precision/recall, class coverage and entropy; "
                + "for CGANs also conditional accuracy and CAS. Prints the numbers and writes them with their "
                + "protocol as JSON. See docs/evaluation.md."})
final class EvalCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--checkpoint", paramLabel = "CKPT|RUN_DIR",
                description = "A checkpoint file, or a run directory (its latest checkpoint).")
        Path checkpoint;

        @Option(names = "--images", paramLabel = "DIR|IDX|PACKED",
                description = "Score these images instead: an IDX image file, a folder (or zip) of images, or a "
                        + "packed file (gan data pack, gan sample --export packed).")
        Path images;
    }

    @Option(names = "--classifier", paramLabel = "FILE.zip", description = "Domain classifier from gan classifier "
            + "train (default: the checkpoint config's training.eval_classifier).")
    Path classifier;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "2000",
            description = "Images to score, and real images to compare with (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the sample noise and of the reference draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-cas", description = "CGAN: skip CAS (it trains a classifier on the samples).")
    boolean noCas;

    @Option(names = "--raw", description = "Score the trained generator, not the checkpoint's EMA generator "
            + "(training.ema); the default JSON name gets -raw.")
    boolean raw;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.json", description = "Where to write the JSON (default: "
            + "<run>/eval/step-NNNNNN.json for a checkpoint in a run, else eval.json).")
    Path out;

    @Override
    public Integer call() {
        if (samples < 10) throw new ParameterException(spec.commandLine(), "gan eval: --samples must be >= 10 (got " + samples + ")");
        Backend.init();
        EvalReport report;
        Path json;
        if (what.checkpoint != null) {
            Path file = Checkpoints.resolve(what.checkpoint);
            ClassifierFile.Loaded c = ClassifierFile.load(classifierFor(file));
            report = GanEval.checkpoint(file, c, samples, seed, !noCas, raw);
            Path parent = file.toAbsolutePath().getParent();
            String suffix = raw ? "-raw.json" : ".json";
            json = out != null ? out : parent.getFileName().toString().equals("checkpoints")
                    ? parent.getParent().resolve("eval").resolve(file.getFileName().toString().replace(".zip", suffix))
                    : Path.of(raw ? "eval-raw.json" : "eval.json");
        } else {
            if (classifier == null) {
                throw new ParameterException(spec.commandLine(), "gan eval: --images needs --classifier FILE.zip "
                        + "(train one with gan classifier train --config FILE)");
            }
            ClassifierFile.Loaded c = ClassifierFile.load(classifier);
            report = GanEval.images(Datasets.load(imagesData(c)), c, samples, seed);
            json = out != null ? out : Path.of("eval.json");
        }
        report.lines().forEach(root.out::println);
        AtomicFiles.writeString(json, report.toJsonText());
        root.out.println("wrote " + json);
        return Gan.OK;
    }

    /**
     * --classifier, else the checkpoint config's training.eval_classifier, else a shipped classifier made for the
     * run's data (said on the console: the choice decides which numbers the scores can be compared with).
     */
    private Path classifierFor(Path checkpoint) {
        if (classifier != null) return classifier;
        ExperimentConfig cfg = ConfigLoader.fromYaml(Checkpoints.read(checkpoint, false).configYaml(),
                checkpoint + "!config.yaml", List.of());
        String configured = cfg.training().evalClassifier();
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        var data = Datasets.load(cfg.data());
        Path shipped = ShippedClassifiers.matching(data).orElseThrow(() ->
                new ParameterException(spec.commandLine(), "gan eval: give --classifier FILE.zip (the run sets no "
                        + "training.eval_classifier, and no classifier in " + ShippedClassifiers.DIR + "/ was made "
                        + "for its data); train one with gan classifier train --config FILE"));
        root.out.println("classifier: " + shipped + ", shipped for this run's data (" + data.source()
                + "); --classifier chooses another");
        return shipped;
    }

    /**
     * The data section that reads --images: the classifier's reference data section with the images swapped in, so
     * they are resized to the classifier's input as training data would be. Folders go through the folder source.
     */
    private DataConfig imagesData(ClassifierFile.Loaded c) {
        if (!Files.exists(what.images)) throw new UserException(what.images + ": no such image file or folder");
        var tree = ClassifierFile.JSON.valueToTree(c.info().referenceData());
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) tree;
        boolean packed = PackedFile.isPacked(what.images);
        boolean folder = !packed && (Files.isDirectory(what.images) || ImageFiles.isZip(what.images));
        node.put("format", packed ? "packed" : folder ? "folder" : "idx");
        node.put(packed || folder ? "path" : "images", what.images.toString());
        node.putNull("labels");
        node.put("limit", 0);
        try {
            return ClassifierFile.JSON.treeToValue(node, DataConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
