package dev.gan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gan.TestRuns;
import dev.gan.data.IdxReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gan classifier train} and {@code gan eval} through the real CLI, with a classifier trained here for one
 * epoch on 512 images: the sanity rows (real images score near 0, noise and one repeated image score far, and a
 * repeated image loses recall and coverage), checkpoints of DCGAN and CGAN runs, and the error messages.
 */
class EvalCommandTest {
    @TempDir
    static Path shared;
    static Path classifier;
    @TempDir
    Path tmp;

    @BeforeAll
    static void trainClassifier() throws Exception {
        Path cfg = TestRuns.tinyConfig(shared, "clf", "");
        classifier = shared.resolve("clf.zip");
        TestRuns.Result r = gan("classifier", "train", "--config", cfg.toString(), "--set", "data.limit=512",
                "--epochs", "2", "--out", classifier.toString(),
                // the seed these sanity thresholds were calibrated on (the default seed is now 0)
                "--seed", "1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("training the domain classifier on 410 images of "
                + "data/fashion-mnist/t10k-images-idx3-ubyte.gz (training part), testing on 102 of"), r.out());
        assertTrue(Files.isRegularFile(classifier) && Files.isRegularFile(shared.resolve("clf.json")));
    }

    private static JsonNode json(Path file) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
    }

    private JsonNode scoreImages(Path idx, String name) throws Exception {
        Path out = tmp.resolve(name + ".json");
        TestRuns.Result r = gan("eval", "--images", idx.toString(), "--classifier", classifier.toString(),
                "--samples", "200", "--out", out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("  FID ") && r.out().contains("wrote " + out), r.out());
        return json(out).get("scores");
    }

    @Test
    void sanityRows() throws Exception {
        byte[] reals = IdxReader.read(Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz")).data();
        // other real images than the reference draw (which comes from the first 512)
        Path realFile = writeIdx(tmp.resolve("real.idx"), Arrays.copyOfRange(reals, 5000 * 784, 5200 * 784), 200);
        byte[] noise = new byte[200 * 784];
        new SplittableRandom(1).nextBytes(noise);
        byte[] one = new byte[200 * 784];
        for (int i = 0; i < 200; i++) System.arraycopy(reals, 0, one, i * 784, 784);

        JsonNode real = scoreImages(realFile, "real");
        JsonNode uniform = scoreImages(writeIdx(tmp.resolve("noise.idx"), noise, 200), "noise");
        JsonNode single = scoreImages(writeIdx(tmp.resolve("one.idx"), one, 200), "one");
        String all = "real " + real + "\nnoise " + uniform + "\none " + single;
        assertTrue(real.get("fid").asDouble() < 0.1 * uniform.get("fid").asDouble(), all);
        assertTrue(real.get("fid").asDouble() < 0.1 * single.get("fid").asDouble(), all);
        assertTrue(real.get("kid").asDouble() < 0.1 * Math.min(uniform.get("kid").asDouble(), single.get("kid").asDouble()), all);
        assertTrue(real.get("precision").asDouble() > 0.6 && real.get("recall").asDouble() > 0.6, all);
        assertTrue(real.get("coverage").asDouble() >= 0.9, all);
        // noise has no real neighbours (a classifier this weak maps some of it near real features, hence the margin)
        assertTrue(uniform.get("precision").asDouble() < 0.5 * real.get("precision").asDouble(), all);
        assertTrue(uniform.get("recall").asDouble() < 0.05, all);
        assertTrue(single.get("recall").asDouble() < 0.05, all);
        assertEquals(0.1, single.get("coverage").asDouble(), 1e-9, all);
        assertEquals(0.0, single.get("entropy_nats").asDouble(), 1e-9, all);
        assertEquals(1.0, single.get("inception_score").asDouble(), 1e-6, all);
        JsonNode protocol = json(tmp.resolve("real.json")).get("protocol");
        assertEquals(200, protocol.get("samples").asInt());
        assertEquals(200, protocol.get("reference_count").asInt());
        assertTrue(protocol.get("reference_matches").asBoolean());
        assertEquals(64, protocol.get("classifier_sha256").asText().length());
        assertEquals(json(shared.resolve("clf.json")).get("test_accuracy").asDouble(),
                protocol.get("classifier_accuracy").asDouble(), 1e-12);
    }

    @Test
    void scoresDcganAndCganCheckpoints() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "dc", "");
        assertEquals(0, gan("train", "--config", cfg.toString()).exit());
        TestRuns.Result r = gan("eval", "--checkpoint", tmp.resolve("runs/dc-001").toString(), "--classifier",
                classifier.toString(), "--samples", "64");
        assertEquals(0, r.exit(), r.toString());
        Path json = tmp.resolve("runs/dc-001/eval/step-000006.json");
        assertTrue(r.out().contains("(step 6, dcgan, the trained generator): 64 samples, seed 0") && r.out().contains("wrote " + json), r.out());
        assertTrue(!r.out().contains("CAS"), r.out());
        JsonNode s = json(json).get("scores");
        for (String k : new String[]{"fid", "kid", "inception_score", "precision", "recall", "coverage", "entropy_nats"}) {
            assertTrue(s.get(k).isNumber(), k + " in " + s);
        }

        Path cg = TestRuns.tinyConfig(tmp, "cg", "");
        assertEquals(0, gan("train", "--config", cg.toString(), "--set", "model.type=cgan").exit());
        r = gan("eval", "--checkpoint", tmp.resolve("runs/cg-001").toString(), "--classifier", classifier.toString(),
                "--samples", "64");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("cond. acc.") && r.out().contains("CAS"), r.out());
        s = json(tmp.resolve("runs/cg-001/eval/step-000006.json")).get("scores");
        assertTrue(s.get("conditional_accuracy").asDouble() >= 0 && s.get("cas").asDouble() >= 0, s.toString());
    }

    @Test
    void withAnEmaGeneratorEvaluationUsesItAndRawTheTrainedOne() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "ema", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "training.ema.kimg=0.5", "--set",
                "training.eval_every=6", "--set", "training.eval_classifier=" + classifier, "--set",
                "training.eval_samples=32");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("[6/6] eval on 32 samples of the EMA generator: FID "), r.out());
        Path run = tmp.resolve("runs/ema-001");
        try (var zip = new java.util.zip.ZipFile(run.resolve("checkpoints/best.zip").toFile())) {
            assertTrue(zip.getEntry("generator_ema.zip") != null, "best.zip carries the generator it was chosen by");
        }
        TestRuns.Result ema = gan("eval", "--checkpoint", run.toString(), "--samples", "64");
        assertEquals(0, ema.exit(), ema.toString());
        assertTrue(ema.out().contains("(step 6, dcgan, the EMA generator): 64 samples, seed 0"), ema.out());
        TestRuns.Result raw = gan("eval", "--checkpoint", run.toString(), "--samples", "64", "--raw");
        assertEquals(0, raw.exit(), raw.toString());
        assertTrue(raw.out().contains("(step 6, dcgan, the trained generator (--raw)): 64 samples, seed 0"), raw.out());
        double fidEma = json(run.resolve("eval/step-000006.json")).get("scores").get("fid").asDouble();
        double fidRaw = json(run.resolve("eval/step-000006-raw.json")).get("scores").get("fid").asDouble();
        assertTrue(fidEma != fidRaw, "two generators, two scores: " + fidEma);
    }

    @Test
    void evaluatesDuringTrainingAndKeepsTheBestCheckpoint() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "during", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "training.eval_every=3", "--set",
                "training.eval_classifier=" + classifier, "--set", "training.eval_samples=32");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("[3/6] eval on 32 samples: FID ") && r.out().contains("(best so far: checkpoints/best.zip)"),
                r.out());
        Path run = tmp.resolve("runs/during-001");
        var m = dev.gan.io.MetricsLog.read(run.resolve("metrics.csv"));
        double[] steps = m.get("step"), fid = m.get("fid");
        java.util.List<Double> evalSteps = new java.util.ArrayList<>();
        for (int i = 0; i < steps.length; i++) if (Double.isFinite(fid[i])) evalSteps.add(steps[i]);
        assertEquals(java.util.List.of(3.0, 6.0), evalSteps);
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/best.zip")));
        long bestStep = dev.gan.io.Checkpoints.readState(run.resolve("checkpoints/best.zip")).step();
        double fid3 = 0, fid6 = 0;
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] == 3 && Double.isFinite(fid[i])) fid3 = fid[i];
            if (steps[i] == 6 && Double.isFinite(fid[i])) fid6 = fid[i];
        }
        assertEquals(fid6 < fid3 ? 6 : 3, bestStep, "best.zip holds the lowest FID (" + fid3 + " at 3, " + fid6 + " at 6)");
        assertEquals(4 * 320, javax.imageio.ImageIO.read(run.resolve("loss.png").toFile()).getHeight(),
                "loss.png gains the two evaluation panels");

        TestRuns.Result noClassifier = gan("train", "--config", cfg.toString(), "--set", "training.eval_every=3");
        assertEquals(2, noClassifier.exit());
        assertEquals("--set training.eval_every=3: training.eval_every needs training.eval_classifier: a classifier "
                + "file from gan classifier train (or set eval_every to 0)", noClassifier.err().strip());
    }

    @Test
    void errorsSayWhatToDo() throws Exception {
        TestRuns.Result noClassifier = gan("eval", "--images", "data/fashion-mnist/t10k-images-idx3-ubyte.gz");
        assertEquals(2, noClassifier.exit());
        assertTrue(noClassifier.err().startsWith("gan eval: --images needs --classifier FILE.zip (train one with gan "
                + "classifier train --config FILE)"), noClassifier.err());

        TestRuns.Result missing = gan("eval", "--images", "data/fashion-mnist/t10k-images-idx3-ubyte.gz",
                "--classifier", tmp.resolve("nope.zip").toString());
        assertEquals(2, missing.exit());
        assertEquals(tmp.resolve("nope.zip") + ": no such classifier file; train one with gan classifier train "
                + "--config FILE (see docs/evaluation.md)", missing.err().strip());

        TestRuns.Result both = gan("eval", "--images", "x", "--checkpoint", "y");
        assertEquals(2, both.exit());

        Path cfg = TestRuns.tinyConfig(tmp, "unlabelled", "");
        TestRuns.Result unlabelled = gan("classifier", "train", "--config", cfg.toString(), "--set", "data.labels=",
                "--out", tmp.resolve("u.zip").toString());
        assertEquals(2, unlabelled.exit(), unlabelled.toString());
        assertEquals("data/fashion-mnist/t10k-images-idx3-ubyte.gz: has no labels. The domain classifier learns the "
                + "data's classes, and FID, KID, IS and precision/recall are computed on its features: give --clusters "
                + "K (e.g. 10) to learn K k-means clusters of the images instead, or set data.labels (idx) or sort the "
                + "images into one sub-folder per class (folder)", unlabelled.err().strip());

        // images no shipped classifier was made for: later ones of the bundled split, in a file of their own
        byte[] reals = IdxReader.read(Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz")).data();
        Path other = writeIdx(tmp.resolve("other.idx"), Arrays.copyOfRange(reals, 5000 * 784, 5064 * 784), 64);
        Path run = tmp.resolve("runs/unlabelled-001");
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "training.steps=1", "--set",
                "data.images=" + other, "--set", "data.labels=").exit());
        TestRuns.Result noDefault = gan("eval", "--checkpoint", run.toString());
        assertEquals(2, noDefault.exit());
        assertTrue(noDefault.err().startsWith("gan eval: give --classifier FILE.zip (the run sets no "
                + "training.eval_classifier, and no classifier in classifiers/ was made for its data); train one with "
                + "gan classifier train --config FILE\n"), noDefault.err());
    }

    /** A run on the bundled data is scored with the classifier shipped for it, and the output says so. */
    @Test
    void theShippedClassifierScoresARunOnTheBundledData() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "bundled", "");
        assertEquals(0, gan("train", "--config", cfg.toString(), "--set", "training.steps=1", "--set", "data.limit=0")
                .exit());
        TestRuns.Result r = gan("eval", "--checkpoint", tmp.resolve("runs/bundled-001").toString(), "--samples", "32");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("classifier: classifiers/fashion-mnist.zip, shipped for this run's data "
                + "(data/fashion-mnist/t10k-images-idx3-ubyte.gz); --classifier chooses another\n"), r.out());
        JsonNode protocol = json(tmp.resolve("runs/bundled-001/eval/step-000001.json")).get("protocol");
        assertTrue(protocol.get("reference_matches").asBoolean(), protocol.toString());
        assertEquals("classifiers/fashion-mnist.zip", protocol.get("classifier").asText());
    }

    @Test
    void helpForEveryVerb() {
        TestRuns.Result eval = gan("eval", "--help");
        assertEquals(0, eval.exit());
        assertTrue(eval.out().contains("--checkpoint") && eval.out().contains("--images")
                && eval.out().contains("--samples") && eval.out().contains("--classifier"), eval.out());
        TestRuns.Result train = gan("classifier", "train", "--help");
        assertEquals(0, train.exit());
        assertTrue(train.out().contains("--train-images") && train.out().contains("--epochs"), train.out());
        TestRuns.Result group = gan("classifier");
        assertEquals(2, group.exit(), "a group without its command is a usage error");
        assertTrue(group.err().startsWith("Usage: gan classifier"), group.err());
    }

    static Path writeIdx(Path file, byte[] pixels, int count) throws Exception {
        try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt(0x00000803);
            out.writeInt(count);
            out.writeInt(28);
            out.writeInt(28);
            out.write(pixels, 0, count * 784);
        }
        return file;
    }
}
