package dev.gan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gan.TestRuns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flags every verb shares, through the real entry point on one tiny run: {@code --checkpoint CKPT|RUN_DIR},
 * {@code -o/--out}, {@code --overwrite}, {@code --seeds} ranges, {@code --samples}, the deprecated old spellings with
 * their one-line notice, and {@code --json} results whose stdout Jackson parses (messages on stderr).
 */
class OneVocabularyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path cfg, run, checkpoint, classifier;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainTinyRunAndClassifier() throws Exception {
        cfg = TestRuns.tinyConfig(shared, "vocab", "");
        TestRuns.Result t = gan("train", "--config", cfg.toString());
        assertEquals(0, t.exit(), t.toString());
        run = shared.resolve("runs/vocab-001");
        checkpoint = run.resolve("checkpoints/step-000006.zip");
        assertTrue(Files.isRegularFile(checkpoint));

        classifier = shared.resolve("clf.zip");
        TestRuns.Result c = gan("classifier", "train", "-c", cfg.toString(), "--epochs", "1", "-o",
                classifier.toString(), "--json");
        assertEquals(0, c.exit(), c.toString());
        JsonNode j = JSON.readTree(c.out());
        assertEquals(classifier.toString(), j.get("file").asText());
        assertEquals(shared.resolve("clf.json").toString(), j.get("info_file").asText());
        assertEquals(0, j.get("info").get("seed").asLong(), "the one default seed");
        assertTrue(c.err().contains("training the domain classifier on "), "progress goes to stderr: " + c.err());
    }

    private static JsonNode stdout(TestRuns.Result r) throws Exception {
        assertEquals(0, r.exit(), r.toString());
        return JSON.readTree(r.out());
    }

    @Test
    void classifierTrainRefusesToReplaceWithoutOverwrite() {
        TestRuns.Result r = gan("classifier", "train", "-c", cfg.toString(), "--epochs", "1", "-o",
                classifier.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals(classifier + ": already exists; give --overwrite to replace the classifier, or -o/--out another "
                + "FILE.zip", r.err().strip());
    }

    @Test
    void sampleSeedRangesGiveOneImagePerSeedAndJsonSaysWhatWasWritten() throws Exception {
        Path out = tmp.resolve("seeds");
        JsonNode j = stdout(gan("sample", "--checkpoint", run.toString(), "--seeds", "0-2,5", "-o", out.toString(),
                "--json"));
        assertEquals("images", j.get("mode").asText());
        assertEquals(out.toString(), j.get("written").asText());
        assertEquals(4, j.get("images").asLong());
        assertEquals("[0,1,2,5]", j.get("seeds").toString());
        for (int s : new int[]{0, 1, 2, 5}) {
            assertTrue(Files.isRegularFile(out.resolve("sample-step000006-seed" + s + "-000000.png")), "seed " + s);
        }
        // seed 1 of the range is the image a lone --seed 1 gives
        Path one = tmp.resolve("one");
        stdout(gan("sample", "--checkpoint", checkpoint.toString(), "--seed", "1", "--samples", "1", "-o",
                one.toString(), "--json"));
        assertArrayEquals(Files.readAllBytes(one.resolve("sample-step000006-seed1-000000.png")),
                Files.readAllBytes(out.resolve("sample-step000006-seed1-000000.png")));
    }

    @Test
    void deprecatedCountStillWorksWithANoticeOnStderr() throws Exception {
        TestRuns.Result r = gan("sample", "--checkpoint", run.toString(), "--count", "2", "--out", tmp.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("gan sample: --count is deprecated and will be removed in the next release; use --samples",
                r.err().strip());
        assertTrue(r.out().contains("wrote 2 images to " + tmp + " (sample-step000006-seed0-NNNNNN.png)"), r.out());
    }

    @Test
    void evalPrintsItsMetricsAsJsonAndRefusesToReplaceEarlierScores() throws Exception {
        String[] args = {"eval", "--checkpoint", run.toString(), "--classifier", classifier.toString(), "--samples",
                "40", "--json"};
        TestRuns.Result first = gan(args);
        JsonNode j = stdout(first);
        assertTrue(j.get("scores").get("fid").isNumber(), j.toString());
        assertEquals(40, j.get("protocol").get("samples").asInt());
        Path file = run.resolve("eval/step-000006.json");
        assertEquals(j, JSON.readTree(file.toFile()), "stdout is the JSON file's object");
        assertTrue(first.err().contains("wrote " + file), first.err());

        TestRuns.Result again = gan(args);
        assertEquals(2, again.exit(), again.toString());
        assertEquals(file + ": already exists (an earlier gan eval); give --overwrite to replace it, or -o/--out "
                + "another file", again.err().strip());
        assertEquals("", again.out());

        String[] overwrite = java.util.Arrays.copyOf(args, args.length + 1);
        overwrite[args.length] = "--overwrite";
        assertEquals(j.get("scores"), stdout(gan(overwrite)).get("scores"), "same seed, same scores");
    }

    @Test
    void benchPrintsItsResultLineAsJson() throws Exception {
        TestRuns.Result r = gan("bench", "-c", cfg.toString(), "--steps", "2", "--warmup", "1", "--json");
        JsonNode j = stdout(r);
        assertEquals("vocab", j.get("name").asText());
        assertTrue(j.get("median_ms").asDouble() > 0 && j.get("img_s").asDouble() > 0, j.toString());
        assertEquals(16, j.get("batch_size").asInt());
        assertTrue(r.err().contains("bench vocab: median_ms="), r.err());
    }

    @Test
    void dataInfoPrintsThePackedHeaderAsJson() throws Exception {
        Path packed = tmp.resolve("d.packed");
        TestRuns.Result p = gan("data", "pack", "data/fashion-mnist/t10k-images-idx3-ubyte.gz", "--labels",
                "data/fashion-mnist/t10k-labels-idx1-ubyte.gz", "--limit", "30", "-o", packed.toString());
        assertEquals(0, p.exit(), p.toString());
        JsonNode j = stdout(gan("data", "info", packed.toString(), "--verify", "--json"));
        assertEquals(30, j.get("header").get("count").asInt());
        assertEquals(Files.size(packed), j.get("file_bytes").asLong());
        int sum = 0;
        for (JsonNode n : j.get("class_counts")) sum += n.asInt();
        assertEquals(30, sum);
        assertTrue(j.get("verified").asBoolean());
    }

    @Test
    void dataInfoTakesARunForThePackedFileItTrainsOn() throws Exception {
        Path packed = tmp.resolve("p.packed");
        assertEquals(0, gan("data", "pack", "data/fashion-mnist/t10k-images-idx3-ubyte.gz", "--limit", "32", "-o",
                packed.toString()).exit());
        Path pcfg = TestRuns.tinyConfig(tmp, "onpacked", "  format: packed\n  path: " + packed + "\n", "");
        TestRuns.Result t = gan("train", "--config", pcfg.toString());
        assertEquals(0, t.exit(), t.toString());
        JsonNode j = stdout(gan("data", "info", "--checkpoint", tmp.resolve("runs/onpacked-001").toString(), "--json"));
        assertEquals(packed.toString(), j.get("file").asText());
        assertEquals(32, j.get("header").get("count").asInt());

        TestRuns.Result idx = gan("data", "info", "--checkpoint", run.toString());
        assertEquals(2, idx.exit(), idx.toString());
        assertEquals(run + ": trains on idx files (data/fashion-mnist/t10k-images-idx3-ubyte.gz), read as they are; "
                + "gan data info describes packed files (make one with gan data pack "
                + "data/fashion-mnist/t10k-images-idx3-ubyte.gz -o FILE.packed)", idx.err().strip());
        TestRuns.Result neither = gan("data", "info");
        assertEquals(2, neither.exit());
        assertTrue(neither.err().startsWith("gan data info: give a packed FILE or --checkpoint CKPT|RUN_DIR"),
                neither.err());
    }

    @Test
    void reportTakesACheckpointOrRunDirAndTheOldPositionalWithANotice() {
        TestRuns.Result byFile = gan("report", "--checkpoint", checkpoint.toString());
        assertEquals(0, byFile.exit(), byFile.toString());
        assertTrue(byFile.out().startsWith("report: " + run.toAbsolutePath().resolve("report.html")), byFile.out());
        TestRuns.Result byDir = gan("report", "--checkpoint", run.toString());
        assertEquals(0, byDir.exit(), byDir.toString());
        assertEquals("", byDir.err());
        TestRuns.Result old = gan("report", run.toString());
        assertEquals(0, old.exit(), old.toString());
        assertEquals("gan report: gan report DIR is deprecated and will be removed in the next release; use gan "
                + "report --checkpoint " + run, old.err().strip());
        TestRuns.Result none = gan("report");
        assertEquals(2, none.exit());
        assertTrue(none.err().startsWith("gan report: give --checkpoint CKPT|RUN_DIR (a run) or --sweep SWEEP_DIR"),
                none.err());
    }

    @Test
    void helpShowsTheSharedSpellingsAndHidesTheOldOnes() {
        for (String verb : new String[]{"sample", "augment", "eval"}) {
            String help = gan(verb, "--help").out();
            assertTrue(help.contains("--checkpoint=CKPT|RUN_DIR"), verb + ":\n" + help);
            assertTrue(help.contains("-o, --out"), verb + ":\n" + help);
            assertTrue(help.contains("--overwrite"), verb + ":\n" + help);
        }
        String sample = gan("sample", "--help").out();
        assertFalse(sample.contains("--count="), "the old spelling is hidden:\n" + sample);
        assertTrue(sample.contains("--seeds") && sample.contains("=A-B,C"), sample);
        for (String[] cmd : new String[][]{{"eval"}, {"bench"}, {"sample"}, {"data", "info"}, {"classifier", "train"},
                {"info"}, {"sweep"}}) {
            String[] help = java.util.Arrays.copyOf(cmd, cmd.length + 1);
            help[cmd.length] = "--help";
            assertTrue(gan(help).out().contains("--json"), String.join(" ", cmd));
        }
    }
}
