package dev.gan.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static dev.gan.sample.SampleFixtures.CGAN;
import static dev.gan.sample.SampleFixtures.sample;
import static dev.gan.sample.SampleFixtures.sampleError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * One fixture per broken checkpoint, each made from the committed good one, each with its exact one-line message and
 * exit code 2, nothing written; and sampling leaves a checkpoint byte for byte and time stamp as it was.
 */
class BadCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void truncatedFile() throws Exception {
        Path file = tmp.resolve("truncated.zip");
        byte[] good = Files.readAllBytes(CGAN);
        Files.write(file, Arrays.copyOf(good, good.length / 2));
        assertEquals(file + ": not a gan checkpoint (not a readable zip archive: zip END header not found); the file "
                + "is truncated or corrupt, use an earlier checkpoint", errorFor(file));
    }

    @Test
    void randomBytes() throws Exception {
        Path file = tmp.resolve("random.zip");
        byte[] junk = new byte[4096];
        new SplittableRandom(1).nextBytes(junk);
        Files.write(file, junk);
        assertEquals(file + ": not a gan checkpoint (not a readable zip archive: zip END header not found); the file "
                + "is truncated or corrupt, use an earlier checkpoint", errorFor(file));
    }

    @Test
    void zipMissingAnEntry() throws Exception {
        Path file = rewritten("no-generator.zip", name -> name.equals("generator.zip") ? null : name, null);
        assertEquals(file + ": incomplete gan checkpoint: entry generator.zip is missing; use an earlier checkpoint",
                errorFor(file));
    }

    @Test
    void newerFormatVersion() throws Exception {
        Path file = rewritten("format4.zip", name -> name,
                state -> state.replace("\"format_version\" : 1", "\"format_version\" : 4"));
        assertEquals(file + ": written by a newer gan (checkpoint format 4; this gan reads format 3 and older); "
                + "upgrade gan to load it", errorFor(file));
    }

    @Test
    void foreignEntry() throws Exception {
        Path file = rewritten("foreign.zip", name -> name.equals("config.yaml") ? "../../evil.sh" : name, null);
        assertEquals(file + ": not a gan checkpoint (unexpected entry \"../../evil.sh\"); was it written by gan train?",
                errorFor(file));
    }

    @Test
    void dcganCheckpointAskedForAClass() throws Exception {
        Path run = SampleFixtures.trainDcgan(tmp);
        assertEquals("--class Bag: " + run.resolve("checkpoints/step-000002.zip") + " is an unconditional DCGAN "
                        + "checkpoint and has no classes; leave out --class (or sample from a CGAN checkpoint)",
                sampleError("--checkpoint", run.toString(), "--class", "Bag", "--out", tmp.resolve("out").toString()));
    }

    @Test
    void samplingNeverModifiesTheCheckpoint() throws Exception {
        byte[] before = Files.readAllBytes(CGAN);
        FileTime mtime = Files.getLastModifiedTime(CGAN);
        sample("--checkpoint", CGAN.toString(), "--grid", "2", "--out", tmp.toString());
        sample("--checkpoint", CGAN.toString(), "--export", "idx", "--per-class", "1", "--out", tmp.resolve("x").toString());
        assertArrayEquals(before, Files.readAllBytes(CGAN));
        assertEquals(mtime, Files.getLastModifiedTime(CGAN));
    }

    private String errorFor(Path file) {
        Path out = tmp.resolve("out-" + file.getFileName());
        String message = sampleError("--checkpoint", file.toString(), "--out", out.toString());
        assertFalse(Files.exists(out), "nothing is written for a bad checkpoint");
        return message;
    }

    /** The committed checkpoint with entries renamed or dropped (null) and state.json edited. */
    private Path rewritten(String name, UnaryOperator<String> rename, UnaryOperator<String> editState) throws IOException {
        Path file = tmp.resolve(name);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream raw = Files.newInputStream(CGAN); ZipInputStream in = new ZipInputStream(raw);
             ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] data = in.readAllBytes();
                String to = rename.apply(e.getName());
                if (to == null) continue;
                if (e.getName().equals("state.json") && editState != null) {
                    data = editState.apply(new String(data, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(to));
                out.write(data);
                out.closeEntry();
            }
        }
        Files.write(file, bytes.toByteArray());
        return file;
    }
}
