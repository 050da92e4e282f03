package dev.gan.cli;

import dev.gan.eval.GanEval;
import dev.gan.sample.SeedList;
import dev.gan.system.Backend;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code gan eval}: FID, KID, IS, precision/recall, coverage (and for CGANs conditional accuracy and CAS). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Score a checkpoint's samples (or any images): FID, KID, IS, precision/recall, coverage.",
                "Compares with real images through a domain classifier: FID, KID, Inception-style score, k-NN precision/recall, class coverage and entropy; "
                + "for CGANs also conditional accuracy and CAS. Prints the numbers and writes them with their "
                + "protocol as JSON (--json also prints it on standard output). See docs/evaluation.md."})
final class EvalCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    What what;

    static final class What {
        // not the CheckpointOption mixin: here it is one of two, and picocli's groups take options, not mixins
        @Option(names = "--checkpoint", paramLabel = CheckpointOption.LABEL, description = CheckpointOption.DESCRIPTION)
        Path checkpoint;

        @Option(names = "--images", paramLabel = "DIR|IDX|PACKED",
                description = "Score these images instead: an IDX image file, a folder (or zip) of images, or a "
                        + "packed file (gan data pack, gan sample --export packed).")
        Path images;
    }

    @Option(names = "--reference", paramLabel = "DIR|ZIP|PACKED|IDX",
            description = "Compare with these real images instead of the training data: images the GAN never saw "
                    + "(a held-out split), read like training data (resized to the checkpoint's side and channels). "
                    + "Needs at least --samples images; labels are not needed. See docs/evaluation.md.")
    Path reference;

    @Option(names = "--classifier", paramLabel = "FILE.zip", description = "Domain classifier from gan classifier "
            + "train (default: the checkpoint config's training.eval_classifier).")
    Path classifier;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "2000",
            description = "Images to score, and real images to compare with (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", paramLabel = "N", defaultValue = SeedList.DEFAULT_TEXT,
            description = "Seed of the sample noise and of the reference draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-cas", description = "CGAN: skip CAS (it trains a classifier on the samples).")
    boolean noCas;

    @Option(names = "--raw", description = "Score the trained generator, not the checkpoint's EMA generator "
            + "(training.ema); the default JSON name gets -raw.")
    boolean raw;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.json", description = "Where to write the JSON (default: "
            + "<run>/eval/step-NNNNNN.json for a checkpoint in a run, else eval.json; -raw and -ref-NAME are added "
            + "for --raw and --reference NAME). An existing file is refused without --overwrite.")
    Path out;

    @Mixin
    Overwrite overwrite;

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() {
        if (samples < 10) throw new ParameterException(spec.commandLine(), "gan eval: --samples must be >= 10 (got " + samples + ")");
        Backend.init();
        if (what.checkpoint == null && classifier == null) {
            throw new ParameterException(spec.commandLine(), "gan eval: --images needs --classifier FILE.zip "
                    + "(train one with gan classifier train --config FILE)");
        }
        try {
            GanEval.Outcome o = GanEval.run(new GanEval.Request(what.checkpoint, what.images, reference, classifier,
                    samples, seed, !noCas, raw, out, overwrite.overwrite), json.console(root));
            if (json.json) JsonOutput.print(root, o.report().toJson());
        } catch (GanEval.NoClassifier e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return Gan.OK;
    }
}
