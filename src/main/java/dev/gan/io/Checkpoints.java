package dev.gan.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gan.UserException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Checkpoint files: {@code checkpoints/step-NNNNNN.zip}, one zip holding {@code state.json}, the resolved
 * {@code config.yaml}, and {@code generator.zip} / {@code discriminator.zip} as written by DL4J's
 * {@code ModelSerializer} with updater state, so each network is also loadable by plain DL4J code.
 *
 * <p>Written under a temporary name and renamed; only the last K are kept. Reading never modifies the file, accepts
 * only the entries above (the inner model zips only DL4J's parameter, configuration and updater entries, so no
 * Java-serialized object is ever read), checks the format version, and turns every defect into one line.
 */
public final class Checkpoints {
    public static final int FORMAT_VERSION = 1;
    static final String STATE = "state.json", CONFIG = "config.yaml", GENERATOR = "generator.zip",
            DISCRIMINATOR = "discriminator.zip";
    private static final Set<String> MODEL_ENTRIES = Set.of("configuration.json", "coefficients.bin",
            "updaterState.bin", "noParams.marker");
    private static final Pattern NAME = Pattern.compile("step-(\\d+)\\.zip");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Checkpoints() {
    }

    /** A loaded checkpoint. */
    public record Checkpoint(Path file, CheckpointState state, String configYaml, ComputationGraph generator,
                             ComputationGraph discriminator) {
    }

    public static Path fileFor(Path checkpointDir, long step) {
        return checkpointDir.resolve(String.format("step-%06d.zip", step));
    }

    /** Writes a checkpoint atomically, then deletes all but the newest {@code keep} step checkpoints. */
    public static Path write(Path checkpointDir, CheckpointState state, String configYaml, ComputationGraph g,
                             ComputationGraph d, int keep) {
        Path target = fileFor(checkpointDir, state.step());
        writeTo(target, state, configYaml, g, d);
        prune(checkpointDir, keep);
        return target;
    }

    /** Writes a checkpoint to an exact path (also used for {@code best.zip}). */
    public static void writeTo(Path target, CheckpointState state, String configYaml, ComputationGraph g,
                               ComputationGraph d) {
        AtomicFiles.write(target, raw -> {
            try (ZipOutputStream zip = new ZipOutputStream(raw)) {
                zip.putNextEntry(new ZipEntry(STATE));
                zip.write(JSON.writeValueAsBytes(state));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(CONFIG));
                zip.write(configYaml.getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(GENERATOR));
                ModelSerializer.writeModel(g, zip, true);   // shields the stream from being closed
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(DISCRIMINATOR));
                ModelSerializer.writeModel(d, zip, true);
                zip.closeEntry();
            }
        });
    }

    static void prune(Path checkpointDir, int keep) {
        List<Path> all = stepFiles(checkpointDir);
        for (int i = 0; i < all.size() - keep; i++) {
            try {
                Files.deleteIfExists(all.get(i));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Step checkpoints in a folder, oldest first. */
    public static List<Path> stepFiles(Path checkpointDir) {
        if (!Files.isDirectory(checkpointDir)) return List.of();
        try (Stream<Path> s = Files.list(checkpointDir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(Checkpoints::stepOf)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * A checkpoint file as given, or the latest checkpoint of a run directory (or of its checkpoints folder).
     */
    public static Path resolve(Path fileOrRunDir) {
        if (Files.isRegularFile(fileOrRunDir)) return fileOrRunDir;
        if (!Files.exists(fileOrRunDir)) {
            throw new UserException(fileOrRunDir + ": no such checkpoint file or run directory");
        }
        Path dir = Files.isDirectory(fileOrRunDir.resolve("checkpoints")) ? fileOrRunDir.resolve("checkpoints") : fileOrRunDir;
        List<Path> files = stepFiles(dir);
        if (files.isEmpty()) {
            throw new UserException(fileOrRunDir + ": has no checkpoints (checkpoints/step-NNNNNN.zip); give a run "
                    + "directory that has written one, or a checkpoint file");
        }
        return files.get(files.size() - 1);
    }

    /** Reads only the state and config of a checkpoint (fast; for sampling metadata and resume planning). */
    public static CheckpointState readState(Path file) {
        Map<String, byte[]> small = readEntries(file, false);
        return parseState(file, small.get(STATE));
    }

    /** Loads a checkpoint. {@code withUpdater} false skips the Adam state (sampling needs only the parameters). */
    public static Checkpoint read(Path file, boolean withUpdater) {
        Map<String, byte[]> entries = readEntries(file, true);
        CheckpointState state = parseState(file, entries.get(STATE));
        String config = new String(entries.get(CONFIG), StandardCharsets.UTF_8);
        ComputationGraph g = restore(file, GENERATOR, entries.get(GENERATOR), withUpdater);
        ComputationGraph d = restore(file, DISCRIMINATOR, entries.get(DISCRIMINATOR), withUpdater);
        return new Checkpoint(file, state, config, g, d);
    }

    private static Map<String, byte[]> readEntries(Path file, boolean models) {
        String what = file + ": not a gan checkpoint";
        Map<String, byte[]> out = new HashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (!Set.of(STATE, CONFIG, GENERATOR, DISCRIMINATOR).contains(name)) {
                    throw new UserException(what + " (unexpected entry \"" + name + "\"); was it written by gan train?");
                }
                if (!models && (name.equals(GENERATOR) || name.equals(DISCRIMINATOR))) continue;
                try (InputStream in = zip.getInputStream(entry)) {
                    out.put(name, in.readAllBytes());
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new UserException(what + " (not a readable zip archive: " + e.getMessage()
                    + "); the file is truncated or corrupt, use an earlier checkpoint");
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
            throw new UserException(file + ": no such checkpoint file");
        } catch (IOException e) {
            throw new UserException(what + " (" + e.getMessage() + "); the file is truncated or corrupt");
        }
        List<String> required = new ArrayList<>(List.of(STATE, CONFIG));
        if (models) required.addAll(List.of(GENERATOR, DISCRIMINATOR));
        for (String r : required) {
            if (!out.containsKey(r)) {
                throw new UserException(file + ": incomplete gan checkpoint: entry " + r + " is missing; use an earlier checkpoint");
            }
        }
        return out;
    }

    private static CheckpointState parseState(Path file, byte[] json) {
        CheckpointState s;
        try {
            s = JSON.readValue(json, CheckpointState.class);
        } catch (IOException e) {
            throw new UserException(file + ": corrupt gan checkpoint: state.json is not valid ("
                    + e.getMessage().lines().findFirst().orElse("") + "); use an earlier checkpoint");
        }
        if (s.formatVersion() > FORMAT_VERSION) {
            throw new UserException(file + ": written by a newer gan (checkpoint format " + s.formatVersion()
                    + "; this gan reads format " + FORMAT_VERSION + " and older); upgrade gan to load it");
        }
        if (s.formatVersion() < 1 || s.shape() == null || s.modelType() == null || s.step() < 0) {
            throw new UserException(file + ": corrupt gan checkpoint: state.json lacks format_version, step, shape or model type");
        }
        return s;
    }

    private static ComputationGraph restore(Path file, String entry, byte[] bytes, boolean withUpdater) {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (!MODEL_ENTRIES.contains(e.getName())) {
                    throw new UserException(file + ": unexpected entry \"" + e.getName() + "\" in " + entry
                            + "; refusing to load it (only DL4J parameters, configuration and updater state are read)");
                }
            }
        } catch (IOException e) {
            throw new UserException(file + ": corrupt gan checkpoint: " + entry + " is not a readable zip (" + e.getMessage() + ")");
        }
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), withUpdater);
        } catch (Exception e) {
            throw new UserException(file + ": corrupt gan checkpoint: cannot load " + entry + " (" + e.getMessage() + ")", e);
        }
    }
}
