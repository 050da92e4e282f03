package dev.gan.eval;

import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.DataConfig;
import dev.gan.config.ExperimentConfig;
import dev.gan.data.Datasets;
import dev.gan.data.ImageSet;
import dev.gan.data.TrainingData;
import dev.gan.generate.EvalSamples;
import dev.gan.generate.SamplingGenerator;
import dev.gan.io.AtomicFiles;
import dev.gan.io.Checkpoints;
import dev.gan.io.RunLock;
import dev.gan.model.GanShape;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code gan eval}'s work: scores a checkpoint's generator, or a set of images, against real reference images
 * through a domain classifier, and records the protocol. The reference images are a seeded draw of as many real
 * images as there are samples (k-NN precision/recall need equal sizes), from the data the checkpoint was trained
 * on (as they are: not data.mirror's flips), or for an image set from the classifier's reference data - or, with
 * {@code --reference}, from images the GAN never saw, read as its training data would be.
 */
public final class GanEval {
    /** Images per generator forward pass. */
    static final int BATCH = 250;

    private GanEval() {
    }

    /**
     * What {@code gan eval} is asked.
     *
     * @param checkpoint a checkpoint file or run directory to score, or null for {@code images}
     * @param images     images to score instead (an IDX file, a folder or zip, a packed file), or null
     * @param reference  held-out real images to compare with (--reference), or null for the default reference
     * @param classifier the domain classifier, or null: the checkpoint config's, else a shipped one for its data
     * @param samples    images to score, and real images to compare with
     * @param seed       seed of the sample noise and of the reference draw
     * @param cas        CGAN: also CAS
     * @param raw        score the trained generator, not the EMA generator
     * @param out        the JSON file, or null for the default name
     * @param overwrite  replace the JSON file if it exists (else refused before anything is scored)
     */
    public record Request(Path checkpoint, Path images, Path reference, Path classifier, int samples, long seed,
                          boolean cas, boolean raw, Path out, boolean overwrite) {
    }

    /** What {@code gan eval} did: the scores and the JSON file they were written to. */
    public record Outcome(EvalReport report, Path json) {
    }

    /**
     * A checkpoint's run names no classifier and none is shipped for its data: the message asks for
     * {@code --classifier}, so the command line reports it as the usage error it is.
     */
    public static final class NoClassifier extends UserException {
        NoClassifier(String message) {
            super(message);
        }
    }

    /**
     * {@code gan eval}: scores what {@code r} asks for, prints the scores to {@code console} and writes them with
     * their protocol as JSON. An existing JSON file is refused before anything is scored, unless {@code overwrite}.
     */
    public static Outcome run(Request r, PrintStream console) {
        EvalReport report;
        Path json;
        if (r.checkpoint() != null) {
            Path file = Checkpoints.resolve(r.checkpoint());
            Path parent = file.toAbsolutePath().getParent();
            String suffix = (r.raw() ? "-raw" : "") + referenceSuffix(r.reference()) + ".json";
            Path run = r.out() == null && parent.getFileName().toString().equals("checkpoints") ? parent.getParent() : null;
            json = r.out() != null ? r.out() : run != null
                    ? run.resolve("eval").resolve(file.getFileName().toString().replace(".zip", suffix))
                    : Path.of("eval" + suffix);
            // scores go into the run's eval/: checked before the minutes of scoring, held until they are written
            Path given = file.getParent() == null ? null : file.getParent().getParent();   // for the message
            try (RunLock lock = run == null ? null : RunLock.acquire(given != null ? given : run, "gan eval",
                    h -> "wait for it to finish, or give --out FILE to write the scores elsewhere")) {
                requireNew(json, r.overwrite());
                ClassifierFile.Loaded c = ClassifierFile.load(classifierFor(file, r.classifier(), console));
                report = checkpoint(file, c, r.samples(), r.seed(), r.cas(), r.raw(), r.reference(), console);
                return write(report, json, console);
            }
        } else {
            json = r.out() != null ? r.out() : Path.of("eval" + referenceSuffix(r.reference()) + ".json");
            requireNew(json, r.overwrite());
            ClassifierFile.Loaded c = ClassifierFile.load(r.classifier());
            if (!Files.exists(r.images())) throw new UserException(r.images() + ": no such image file or folder");
            // read as the classifier's reference data is: resized to its input as training data would be
            report = images(Datasets.load(Datasets.reading(r.images(), c.info().referenceData())), c, r.samples(),
                    r.seed(), r.reference());
        }
        return write(report, json, console);
    }

    private static Outcome write(EvalReport report, Path json, PrintStream console) {
        report.lines().forEach(console::println);
        AtomicFiles.writeString(json, report.toJsonText());
        console.println("wrote " + json);
        return new Outcome(report, json);
    }

    /**
     * Re-scoring a checkpoint is common, and its earlier scores are results: they are replaced only when asked.
     */
    static void requireNew(Path json, boolean overwrite) {
        if (overwrite || !Files.exists(json)) return;
        throw new UserException(json + ": already exists (an earlier gan eval); give --overwrite to replace it, or "
                + "-o/--out another file");
    }

    /**
     * Scores against held-out images go to their own file, so that they and the training-data scores of the same
     * checkpoint do not overwrite each other.
     */
    private static String referenceSuffix(Path reference) {
        if (reference == null) return "";
        Path name = reference.toAbsolutePath().normalize().getFileName();
        return "-ref-" + (name == null ? "root" : name.toString().replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /**
     * {@code given}, else the checkpoint config's training.eval_classifier, else a shipped classifier made for the
     * run's data (said on the console: the choice decides which numbers the scores can be compared with).
     */
    private static Path classifierFor(Path checkpoint, Path given, PrintStream console) {
        if (given != null) return given;
        ExperimentConfig cfg = ConfigLoader.fromYaml(Checkpoints.read(checkpoint, false).configYaml(),
                checkpoint + "!config.yaml", List.of());
        String configured = cfg.training().evalClassifier();
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        var data = Datasets.load(cfg.data());
        Path shipped = ShippedClassifiers.matching(data).orElseThrow(() ->
                new NoClassifier("gan eval: give --classifier FILE.zip (the run sets no "
                        + "training.eval_classifier, and no classifier in " + ShippedClassifiers.DIR + "/ was made "
                        + "for its data); train one with gan classifier train --config FILE"));
        console.println("classifier: " + shipped + ", shipped for this run's data (" + data.source()
                + "); --classifier chooses another");
        return shipped;
    }

    /**
     * Scores {@code n} samples of a checkpoint's generator - its EMA generator if it has one, unless {@code raw} -
     * against {@code reference} (null: the checkpoint's training data); CGANs also get CAS when {@code cas} is set
     * and the classifier knows the data's classes ({@code console} hears when it does not).
     */
    public static EvalReport checkpoint(Path file, ClassifierFile.Loaded c, int n, long seed, boolean cas, boolean raw,
                                        Path reference, PrintStream console) {
        Checkpoints.Checkpoint ck = Checkpoints.read(file, false);
        SamplingGenerator generator = SamplingGenerator.of(ck, raw);
        ExperimentConfig cfg = ConfigLoader.fromYaml(ck.configYaml(), file + "!config.yaml", List.of());
        GanShape shape = ck.state().shape();
        requireShape(c, shape.channels(), shape.size(), file.toString());
        // a self-conditioned DCGAN is conditional on its own clusters, not on the classifier's classes
        boolean byClass = shape.conditional() && "cgan".equals(ck.state().modelType());
        if (byClass && !c.info().knowsRealClasses()) {
            // FID and the rest need no classes; only the class-conditional scores go
            console.println("conditional accuracy and CAS: not available, " + c.file() + " learnt k-means clusters of "
                    + "unlabelled images (--clusters " + c.info().clusters() + "), not this CGAN's classes");
            byClass = false;
        }
        int known = c.info().realClasses().size();
        if (byClass && shape.numClasses() != known) {
            throw new UserException(file + ": a CGAN of " + shape.numClasses() + " classes, but " + c.file() + " knows "
                    + known + "; use a classifier trained on the same data");
        }
        ImageSet data = reference != null ? heldOut(reference, cfg.data(), n)
                : Datasets.load(cfg.data(), TrainingData.cache(cfg), null);
        Evaluation eval = new Evaluation(c, Subsets.draw(data, n, seed));
        EvalSamples.Generated g = EvalSamples.generate(generator.graph(), shape, n, seed, BATCH);
        Scores scores = eval.score(g.images(), byClass ? g.labels() : null);
        double casAccuracy = cas && byClass
                ? Cas.accuracy(g.images(), g.labels(), c.info(), ClassifierTraining.testSet(c.info()))
                : Double.NaN;
        String what = file + " (step " + ck.state().step() + ", " + ck.state().modelType() + ", "
                + generator.description() + ")";
        return new EvalReport(protocol(what, n, seed, data, eval, c, reference != null), scores, casAccuracy);
    }

    /**
     * Scores up to {@code n} images of a dataset (a seeded draw) against {@code reference} (null: the classifier's
     * reference data).
     */
    public static EvalReport images(ImageSet images, ClassifierFile.Loaded c, int n, long seed, Path reference) {
        requireShape(c, images.channels(), images.size(), images.source());
        ImageSet scored = Subsets.draw(images, n, seed + 1);   // another draw than the reference's: real vs real is not 0 by construction
        ImageSet ref = reference != null ? heldOut(reference, c.info().referenceData(), scored.count())
                : Datasets.load(c.info().referenceData());
        Evaluation eval = new Evaluation(c, Subsets.draw(ref, scored.count(), seed));
        Scores scores = eval.score(Subsets.asBatch(scored), null);
        return new EvalReport(protocol(images.source(), scored.count(), seed, ref, eval, c, reference != null), scores,
                Double.NaN);
    }

    /**
     * The --reference images, read as {@code like} reads training data (side, channels), and at least {@code n} of
     * them: a smaller reference would be compared at another sample size than the one asked for.
     */
    private static ImageSet heldOut(Path reference, DataConfig like, int n) {
        if (!Files.exists(reference)) {
            throw new UserException("--reference " + reference + ": no such file or folder; give a folder or zip of "
                    + "images, a packed file (gan data pack) or an IDX image file");
        }
        ImageSet set;
        try {
            set = Datasets.load(Datasets.reading(reference, like));
        } catch (UserException e) {
            throw new UserException("--reference " + e.getMessage(), e);
        }
        if (set.count() < n) {
            throw new UserException("--reference " + reference + ": has " + set.count() + " images, fewer than the "
                    + n + " samples to compare with (--samples); give more held-out images or lower --samples");
        }
        return set;
    }

    private static EvalReport.Protocol protocol(String what, int n, long seed, ImageSet refData, Evaluation eval,
                                                ClassifierFile.Loaded c, boolean given) {
        boolean matches = Subsets.fingerprint(refData).equals(c.info().referenceSha256());
        return new EvalReport.Protocol(what, n, seed, refData.source(), eval.referenceImages().count(), matches, given,
                c.file().toString(), c.sha256(), c.info().testAccuracy(), c.info().testDescription(),
                c.info().clusters(), c.info().realClassAccuracy());
    }

    private static void requireShape(ClassifierFile.Loaded c, int channels, int size, String what) {
        if (c.info().channels() != channels || c.info().size() != size) {
            throw new UserException(what + ": images are " + channels + "x" + size + "x" + size + " but " + c.file()
                    + " takes " + c.info().channels() + "x" + c.info().size() + "x" + c.info().size()
                    + "; use a classifier trained on this data (gan classifier train)");
        }
    }
}
