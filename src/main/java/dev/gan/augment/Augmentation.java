package dev.gan.augment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.Sha256;
import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.DataConfig;
import dev.gan.config.ExperimentConfig;
import dev.gan.data.Datasets;
import dev.gan.data.ImageSet;
import dev.gan.eval.ClassifierFile;
import dev.gan.eval.ClassifierTraining;
import dev.gan.eval.DomainClassifier;
import dev.gan.eval.Subsets;
import dev.gan.io.Checkpoints;
import dev.gan.model.GanShape;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code gan augment}'s work: does adding a conditional generator's labelled images to a small real training set make
 * a classifier better? For every real size N and every repeat it draws N real images per class from the pool (seeded;
 * a larger N extends a smaller one), generates the largest M synthetic images per class once (a smaller M is a
 * prefix), and trains one classifier each on: the N real alone, the N real with classic augmentation, the N real plus
 * M synthetic per class, and M synthetic alone (CAS at that size). All of them are tested on the same held-out real
 * images ({@link HeldOut}). Within a repeat every classifier starts from the same weights (the repeat's seed), so the
 * gain over real-only is measured pairwise.
 */
public final class Augmentation {
    /** The classifier shipped for the bundled Fashion-MNIST, used to label a clustered DCGAN trained on that data. */
    static final Path SHIPPED_CLASSIFIER = Path.of("classifiers", "fashion-mnist.zip");

    private Augmentation() {
    }

    /** Runs the study, printing progress to {@code log}, and writes the table, JSON and plot. */
    public static AugmentReport run(AugmentRequest r, PrintStream log) {
        r.check();
        Path file = Checkpoints.resolve(r.checkpoint());
        AugmentOutput output = AugmentOutput.of(r, file);
        output.requireFree(r.overwrite());
        Checkpoints.Checkpoint ck = Checkpoints.read(file, false);
        GanShape shape = ck.state().shape();
        boolean cgan = "cgan".equals(ck.state().modelType());
        if (!shape.conditional()) {
            throw new UserException(file + ": an unconditional DCGAN has no classes, so its images cannot be added to "
                    + "a labelled training set; use a CGAN checkpoint (model.type: cgan) or a clustered DCGAN "
                    + "(model.clusters), whose images get labels");
        }
        String origin = file + "!config.yaml";
        ExperimentConfig cfg = ConfigLoader.fromYaml(ck.configYaml(), origin, List.of());
        ImageSet gan = Datasets.load(cfg.data());
        ImageSet real = r.trainImages() == null ? gan : Datasets.load(split(ck.configYaml(), origin, r.trainImages(),
                r.trainLabels()));
        ImageSet separateTest = r.testImages() == null ? null : Datasets.load(split(ck.configYaml(), origin,
                r.testImages(), r.testLabels()));
        requireLabels(real, r.trainImages() == null ? "the GAN's data (" + real.source() + ")" : "--train-labels");
        if (separateTest != null) requireLabels(separateTest, "--test-labels");
        ClassifierFile.Loaded labeller = cgan ? null : labeller(r, cfg, file, gan);
        List<String> classes = real.classNames();
        int wantClasses = cgan ? shape.numClasses() : labeller.info().realClasses().size();
        for (ImageSet set : separateTest == null ? List.of(real) : List.of(real, separateTest)) {
            if (set.numClasses() != wantClasses || set.channels() != shape.channels() || set.size() != shape.size()) {
                throw new UserException(set.source() + ": " + set.numClasses() + " classes of " + set.channels() + "x"
                        + set.size() + "x" + set.size() + " images, but " + (cgan ? file + " makes " : labeller.file()
                        + " labels ") + wantClasses + " classes of " + shape.channels() + "x" + shape.size() + "x"
                        + shape.size() + "; give labelled images of the same classes and shape");
            }
        }
        HeldOut held = HeldOut.split(gan, real, separateTest, r.trainImages() == null, r.testCount(), r.splitSeed());
        int[][] poolByClass = byClass(held.pool());
        int maxN = r.realSizes().get(r.realSizes().size() - 1);
        for (int c = 0; c < poolByClass.length; c++) {
            if (poolByClass[c].length < maxN) {
                throw new UserException("--real " + maxN + ": class " + c + " (" + classes.get(c) + ") has only "
                        + poolByClass[c].length + " images in " + held.pool().source() + "; lower --real");
            }
        }

        log.printf(Locale.ROOT, "checkpoint %s: %s, step %d, %d %s%n", file, ck.state().modelType(), ck.state().step(),
                shape.numClasses(), cgan ? "classes" : "clusters");
        log.println(labelsLine(cgan, labeller));
        log.printf(Locale.ROOT, "real: %s real images per class drawn from %,d images of %s%n",
                join(r.realSizes()), held.pool().count(), held.pool().source());
        log.println(held.description());
        log.printf(Locale.ROOT, "each classifier: %d steps of batch %d (gan classifier train's network, Adam 1e-3), "
                + "%d repeat%s (seeds %d..%d)%n", r.steps(), ClassifierTraining.BATCH, r.repeats(),
                r.repeats() == 1 ? "" : "s", r.seed(), r.seed() + r.repeats() - 1);
        if (labeller != null && sameFile(labeller.info().trainSource(), held.testSource())) {
            log.println("NOTE: the labelling classifier was trained on " + labeller.info().trainSource() + ", which the "
                    + "test images come from: the rows with synthetic images are optimistic");
        }

        ClassifierRun.TestBatch test = ClassifierRun.TestBatch.of(held.test());
        List<Integer> ns = r.realSizes(), ms = r.syntheticSizes();
        int maxM = ms.isEmpty() ? 0 : ms.get(ms.size() - 1);
        Measurements m = new Measurements(r.repeats());
        List<ObjectNode> draws = new ArrayList<>();
        ObjectNode indices = ClassifierFile.JSON.createObjectNode();
        List<String> shortfalls = new ArrayList<>();
        for (int rep = 0; rep < r.repeats(); rep++) {
            long seed = r.seed() + rep;
            SyntheticImages synth = maxM == 0 ? null : cgan
                    ? SyntheticImages.ofCgan(ck.generator(), shape, classes, maxM, seed)
                    : SyntheticImages.ofClusters(ck.generator(), shape, labeller, classes, maxM, seed);
            if (synth != null && !synth.shortClasses().isEmpty()) {
                String line = String.format(Locale.ROOT, "seed %d: the clustered generator made fewer than %d images "
                        + "of class %s within %d tries per image: those synthetic sets have fewer of them", seed,
                        maxM, synth.shortClasses(), SyntheticImages.TRIES_PER_IMAGE);
                log.println("WARNING: " + line);
                shortfalls.add(line);
            }
            int[][] order = drawOrder(poolByClass, seed);
            ObjectNode repIdx = indices.putObject("seed " + seed);
            for (int n : ns) {
                int[] idx = draw(order, n);
                ImageSet realSet = Subsets.select(held.pool(), idx, held.pool().source() + " (" + n + " per class)");
                int[] fileIdx = Arrays.stream(idx).map(i -> held.poolIndices()[i]).toArray();
                draws.add(ClassifierFile.JSON.createObjectNode().put("seed", seed).put("real_per_class", n)
                        .put("images", realSet.count()).put("sha256", Subsets.fingerprint(realSet)));
                var arr = repIdx.putArray(String.valueOf(n));
                for (int i : fileIdx) arr.add(i);
                m.add(rep, Row.Arm.REAL, n, 0, train(log, realSet, false, r.steps(), seed, test, "real only", n, 0));
                m.add(rep, Row.Arm.CLASSIC, n, 0, train(log, realSet, true, r.steps(), seed, test,
                        "real + flips/shifts", n, 0));
                for (int mm : ms) {
                    ImageSet mixed = concat(realSet, synth.take(mm));
                    m.add(rep, Row.Arm.MIXED, n, mm, train(log, mixed, false, r.steps(), seed, test,
                            "real + synthetic", n, mm));
                }
            }
            for (int mm : r.noCas() ? List.<Integer>of() : ms) {
                m.add(rep, Row.Arm.SYNTHETIC, 0, mm, train(log, synth.take(mm), false, r.steps(), seed, test,
                        "synthetic only", 0, mm));
            }
        }
        ObjectNode protocol = ClassifierFile.JSON.createObjectNode();
        protocol.putObject("checkpoint").put("file", file.toString()).put("step", ck.state().step())
                .put("model_type", ck.state().modelType()).put("sha256", Sha256.of(file))
                .put("conditioned_on", cgan ? shape.numClasses() + " classes" : shape.numClasses() + " clusters");
        ObjectNode labels = protocol.putObject("synthetic_labels");
        labels.put("how", cgan ? "the class each image was generated for" : "the labelling classifier's prediction");
        if (labeller != null) {
            labels.put("classifier", labeller.file().toString()).put("classifier_sha256", labeller.sha256())
                    .put("classifier_trained_on", labeller.info().trainSource())
                    .put("tries_per_image", SyntheticImages.TRIES_PER_IMAGE);
        }
        var shortArr = labels.putArray("shortfalls");
        shortfalls.forEach(shortArr::add);
        protocol.putObject("gan_data").put("source", gan.source()).put("images", gan.count())
                .put("sha256", Subsets.fingerprint(gan));
        protocol.putObject("real_pool").put("source", real.source()).put("source_sha256", Subsets.fingerprint(real))
                .put("images", held.pool().count()).put("sha256", Subsets.fingerprint(held.pool()));
        protocol.putObject("test").put("source", held.testSource()).put("images", held.test().count())
                .put("sha256", Subsets.fingerprint(held.test())).put("duplicates_dropped", held.excluded())
                .put("how", held.description()).put("split_seed", r.splitSeed());
        protocol.putObject("classifier").put("architecture", "gan classifier train's domain classifier (conv 3x3 "
                        + "16 + pool, conv 3x3 32 + pool, dense 128, softmax)").put("optimizer", "Adam 1e-3")
                .put("steps", r.steps()).put("batch_size", ClassifierTraining.BATCH)
                .put("budget", "the same number of steps for every training set, whatever its size");
        protocol.put("classic_augmentation", ClassicAugment.DESCRIPTION);
        var rs = protocol.putArray("real_per_class");
        ns.forEach(rs::add);
        var ss = protocol.putArray("synthetic_per_class");
        ss.add(0);
        ms.forEach(ss::add);
        protocol.put("repeats", r.repeats());
        var seeds = protocol.putArray("seeds");
        for (int rep = 0; rep < r.repeats(); rep++) seeds.add(r.seed() + rep);
        var drawArr = protocol.putArray("real_draws");
        draws.forEach(drawArr::add);
        ObjectNode splits = ClassifierFile.JSON.createObjectNode();
        splits.put("test_source", held.testSource());
        var testIdx = splits.putArray("test");
        for (int i : held.testIndices()) testIdx.add(i);
        splits.put("real_source", real.source());
        splits.set("real", indices);
        AugmentReport report = new AugmentReport(protocol, m.rows(ns, ms, !r.noCas()), ns, ms);
        output.write(report, splits);
        report.lines().forEach(log::println);
        log.println("wrote " + output.table() + ", " + output.json() + ", " + output.plot() + " and " + output.splits());
        return report;
    }

    /** The checkpoint's data section pointed at another labelled IDX split, through the config funnel. */
    private static DataConfig split(String yaml, String origin, Path images, Path labels) {
        return ConfigLoader.fromYaml(yaml, origin, List.of("data.format=idx", "data.images=" + images,
                "data.labels=" + labels, "data.limit=0")).data();
    }

    private static void requireLabels(ImageSet set, String what) {
        if (!set.labelled()) {
            throw new UserException(set.source() + ": has no labels; the real images of " + what + " must be labelled "
                    + "to train and test a classifier");
        }
    }

    /** --classifier, else the run's training.eval_classifier, else the shipped one when it was made for this data. */
    private static ClassifierFile.Loaded labeller(AugmentRequest r, ExperimentConfig cfg, Path file, ImageSet gan) {
        Path p = r.classifier();
        if (p == null && cfg.training().evalClassifier() != null && !cfg.training().evalClassifier().isBlank()) {
            p = Path.of(cfg.training().evalClassifier());
        }
        String why = null;
        if (p == null) {
            if (!Files.isRegularFile(SHIPPED_CLASSIFIER)) {
                why = SHIPPED_CLASSIFIER + " is not there";
            } else {
                ClassifierFile.Loaded shipped = ClassifierFile.load(SHIPPED_CLASSIFIER);
                if (shipped.info().referenceSha256().equals(Subsets.fingerprint(gan))) return shipped;
                why = SHIPPED_CLASSIFIER + " was made for other data (its reference fingerprint differs from "
                        + gan.source() + ")";
            }
            throw new UserException(file + ": a clustered DCGAN (model.clusters " + cfg.model().clusters() + ") is "
                    + "conditioned on clusters, not classes, so its images are labelled by a domain classifier's "
                    + "prediction: give --classifier FILE.zip (" + why + ")");
        }
        ClassifierFile.Loaded c = ClassifierFile.load(p);
        if (!c.info().knowsRealClasses()) {
            throw new UserException(p + ": learnt k-means clusters of unlabelled images (--clusters "
                    + c.info().clusters() + "), not classes, so it cannot say which class an image is; give a "
                    + "classifier trained on labelled images of these classes");
        }
        if (c.info().channels() != gan.channels() || c.info().size() != gan.size()) {
            throw new UserException(p + ": takes " + c.info().channels() + "x" + c.info().size() + "x" + c.info().size()
                    + " images but " + file + " makes " + gan.channels() + "x" + gan.size() + "x" + gan.size()
                    + "; use a classifier trained on this data (gan classifier train)");
        }
        return c;
    }

    private static String labelsLine(boolean cgan, ClassifierFile.Loaded labeller) {
        return cgan ? "synthetic images: labelled with the class they were generated for"
                : String.format(Locale.ROOT, "synthetic images: the clusters are not classes; each image is labelled "
                        + "with the prediction of %s (sha256 %s, test accuracy %.4f)", labeller.file(),
                labeller.sha256().substring(0, 12), labeller.info().testAccuracy());
    }

    private static boolean sameFile(String a, String b) {
        try {
            return Path.of(a).toAbsolutePath().normalize().equals(Path.of(b).toAbsolutePath().normalize());
        } catch (RuntimeException e) {
            return a.equals(b);
        }
    }

    private static double train(PrintStream log, ImageSet set, boolean classic, int steps, long seed,
                                ClassifierRun.TestBatch test, String what, int n, int m) {
        long t0 = System.nanoTime();
        double acc = ClassifierRun.accuracy(set, classic, steps, seed, test);
        log.printf(Locale.ROOT, "seed %d, %d real + %d synthetic per class, %s (%,d images): accuracy %.4f (%.0f s)%n",
                seed, n, m, what, set.count(), acc, (System.nanoTime() - t0) / 1e9);
        return acc;
    }

    /** Indices of each class's images. */
    static int[][] byClass(ImageSet set) {
        int[][] out = new int[set.numClasses()][];
        for (int c = 0; c < out.length; c++) {
            int k = c;
            out[c] = java.util.stream.IntStream.range(0, set.count()).filter(i -> set.labels()[i] == k).toArray();
        }
        return out;
    }

    /** Each class's pool images in the repeat's order: the first N of each are the N-per-class draw. */
    private static int[][] drawOrder(int[][] byClass, long seed) {
        int[][] out = new int[byClass.length][];
        for (int c = 0; c < byClass.length; c++) {
            int[] p = Subsets.permutation(byClass[c].length, seed * 31 + c);
            out[c] = new int[p.length];
            for (int i = 0; i < p.length; i++) out[c][i] = byClass[c][p[i]];
        }
        return out;
    }

    private static int[] draw(int[][] order, int n) {
        return Arrays.stream(order).flatMapToInt(o -> Arrays.stream(o, 0, n)).toArray();
    }

    static ImageSet concat(ImageSet a, ImageSet b) {
        int na = a.count() * a.imageBytes(), nb = b.count() * b.imageBytes();
        byte[] px = Arrays.copyOf(a.pixels(), na + nb);
        System.arraycopy(b.pixels(), 0, px, na, nb);
        int[] labels = Arrays.copyOf(a.labels(), a.count() + b.count());
        System.arraycopy(b.labels(), 0, labels, a.count(), b.count());
        return new ImageSet(px, a.count() + b.count(), a.channels(), a.size(), labels, a.classNames(),
                a.source() + " + " + b.source());
    }

    private static String join(List<Integer> v) {
        return String.join(", ", v.stream().map(String::valueOf).toList());
    }

    /** Accuracies as they come in, one per (arm, N, M, repeat), turned into rows at the end. */
    private static final class Measurements {
        private final int repeats;
        private final java.util.Map<String, double[]> acc = new java.util.HashMap<>();
        private final java.util.Map<String, int[]> images = new java.util.HashMap<>();

        Measurements(int repeats) {
            this.repeats = repeats;
        }

        void add(int rep, Row.Arm arm, int n, int m, double accuracy) {
            acc.computeIfAbsent(key(arm, n, m), k -> new double[repeats])[rep] = accuracy;
        }

        List<Row> rows(List<Integer> ns, List<Integer> ms, boolean cas) {
            List<Row> out = new ArrayList<>();
            for (int n : ns) {
                double[] base = acc.get(key(Row.Arm.REAL, n, 0));
                out.add(new Row(Row.Arm.REAL, n, 0, base, null));
                out.add(row(Row.Arm.CLASSIC, n, 0, base));
                for (int m : ms) out.add(row(Row.Arm.MIXED, n, m, base));
            }
            for (int m : cas ? ms : List.<Integer>of()) out.add(new Row(Row.Arm.SYNTHETIC, 0, m, acc.get(key(Row.Arm.SYNTHETIC, 0, m)), null));
            return out;
        }

        private Row row(Row.Arm arm, int n, int m, double[] base) {
            double[] a = acc.get(key(arm, n, m)), g = new double[a.length];
            for (int i = 0; i < a.length; i++) g[i] = a[i] - base[i];
            return new Row(arm, n, m, a, g);
        }

        private static String key(Row.Arm arm, int n, int m) {
            return arm + "/" + n + "/" + m;
        }
    }
}
