package dev.gan.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gan.UserException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.Adam;

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
 * {@code ModelSerializer} with updater state, so each network is also loadable by plain DL4J code. Format 2 adds, when
 * the run has them, {@code generator_ema.zip} (the EMA generator, parameters only, a plain DL4J graph) and
 * {@code spectral_norm.json} (each normalised layer's u and v); a checkpoint without them is still written as format 1,
 * which older gans read. Format 3: networks that carry a learning-rate schedule (training.lr_decay) in their DL4J
 * configuration, which a gan from before the schedule cannot load: as format 3 it says "written by a newer gan"
 * instead of calling the file corrupt.
 *
 * <p>Written under a temporary name and renamed; only the last K are kept. Reading never modifies the file, accepts
 * only the entries above (the inner model zips only DL4J's parameter, configuration and updater entries, so no
 * Java-serialized object is ever read), checks the format version, and turns every defect into one line.
 */
public final class Checkpoints {
    public static final int FORMAT_VERSION = 3;
    /** The format of a checkpoint with an EMA generator or spectral-norm vectors and no learning-rate schedule. */
    static final int EXTRAS_FORMAT = 2;
    /** The format of a checkpoint with no EMA generator, no spectral-norm vectors and no learning-rate schedule. */
    static final int PLAIN_FORMAT = 1;
    static final String STATE = "state.json", CONFIG = "config.yaml", GENERATOR = "generator.zip",
            DISCRIMINATOR = "discriminator.zip", GENERATOR_EMA = "generator_ema.zip", SPECTRAL_NORM = "spectral_norm.json";
    private static final Set<String> ENTRIES = Set.of(STATE, CONFIG, GENERATOR, DISCRIMINATOR, GENERATOR_EMA,
            SPECTRAL_NORM);
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Map<String, Map<String, float[]>>>>
            VECTORS = new com.fasterxml.jackson.core.type.TypeReference<>() {
    };
    private static final Set<String> MODEL_ENTRIES = Set.of("configuration.json", "coefficients.bin",
            "updaterState.bin", "noParams.marker");
    private static final Pattern NAME = Pattern.compile("step-(\\d+)\\.zip");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Checkpoints() {
    }

    /** A loaded checkpoint; {@code extras} is {@link Extras#NONE} for a plain one. */
    public record Checkpoint(Path file, CheckpointState state, String configYaml, ComputationGraph generator,
                             ComputationGraph discriminator, Extras extras) {
    }

    /**
     * What a run with training.ema or model.spectral_norm saves beside the networks.
     *
     * @param generatorEma the EMA generator, or null
     * @param spectralNorm per network ("generator", "discriminator"), per layer name, {u, v}; empty without
     */
    public record Extras(ComputationGraph generatorEma, Map<String, Map<String, float[][]>> spectralNorm) {
        public static final Extras NONE = new Extras(null, Map.of());

        boolean isEmpty() {
            return generatorEma == null && spectralNorm.isEmpty();
        }
    }

    public static Path fileFor(Path checkpointDir, long step) {
        return checkpointDir.resolve(String.format("step-%06d.zip", step));
    }

    /** Writes a checkpoint atomically, then deletes all but the newest {@code keep} step checkpoints. */
    public static Path write(Path checkpointDir, CheckpointState state, String configYaml, ComputationGraph g,
                             ComputationGraph d, int keep) {
        return write(checkpointDir, state, configYaml, g, d, Extras.NONE, keep);
    }

    /** {@link #write(Path, CheckpointState, String, ComputationGraph, ComputationGraph, int)} with extras. */
    public static Path write(Path checkpointDir, CheckpointState state, String configYaml, ComputationGraph g,
                             ComputationGraph d, Extras extras, int keep) {
        Path target = fileFor(checkpointDir, state.step());
        writeTo(target, state, configYaml, g, d, extras);
        prune(checkpointDir, keep);
        return target;
    }

    /** Whether a layer's Adam carries a learning-rate schedule (training.lr_decay), saved in the configuration JSON. */
    static boolean scheduled(ComputationGraph net) {
        for (Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof BaseLayer base
                    && base.getIUpdater() instanceof Adam adam
                    && adam.getLearningRateSchedule() != null) {
                return true;
            }
        }
        return false;
    }

    /** Writes a checkpoint to an exact path (also used for {@code best.zip}). */
    public static void writeTo(Path target, CheckpointState state, String configYaml, ComputationGraph g,
                               ComputationGraph d) {
        writeTo(target, state, configYaml, g, d, Extras.NONE);
    }

    /**
     * Writes a checkpoint with extras to an exact path, in the oldest format that holds it: 3 when a network (EMA
     * generator included) carries a learning-rate schedule, else 2 with extras, else 1.
     */
    public static void writeTo(Path target, CheckpointState state, String configYaml, ComputationGraph g,
                               ComputationGraph d, Extras extras) {
        // the EMA generator is a copy of G's graph, so it can keep a schedule G no longer has (a resume with lr_decay 0)
        boolean scheduled = scheduled(g) || scheduled(d)
                || extras.generatorEma() != null && scheduled(extras.generatorEma());
        int format = scheduled ? FORMAT_VERSION : extras.isEmpty() ? PLAIN_FORMAT : EXTRAS_FORMAT;
        CheckpointState versioned = state.withFormatVersion(format);
        AtomicFiles.write(target, raw -> {
            try (ZipOutputStream zip = new ZipOutputStream(raw)) {
                zip.putNextEntry(new ZipEntry(STATE));
                zip.write(JSON.writeValueAsBytes(versioned));
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
                if (extras.generatorEma() != null) {
                    zip.putNextEntry(new ZipEntry(GENERATOR_EMA));
                    ModelSerializer.writeModel(extras.generatorEma(), zip, false);   // never trained: no Adam state
                    zip.closeEntry();
                }
                if (!extras.spectralNorm().isEmpty()) {
                    zip.putNextEntry(new ZipEntry(SPECTRAL_NORM));
                    zip.write(JSON.writeValueAsBytes(vectorsAsJson(extras.spectralNorm())));
                    zip.closeEntry();
                }
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
        ComputationGraph ema = entries.containsKey(GENERATOR_EMA)
                ? restore(file, GENERATOR_EMA, entries.get(GENERATOR_EMA), false) : null;
        Map<String, Map<String, float[][]>> vectors = entries.containsKey(SPECTRAL_NORM)
                ? parseVectors(file, entries.get(SPECTRAL_NORM)) : Map.of();
        return new Checkpoint(file, state, config, g, d, new Extras(ema, vectors));
    }

    /** {network: {layer: {"u": [...], "v": [...]}}}: floats print exactly in JSON, and a reader can see them. */
    private static Map<String, Map<String, Map<String, float[]>>> vectorsAsJson(Map<String, Map<String, float[][]>> v) {
        Map<String, Map<String, Map<String, float[]>>> out = new java.util.LinkedHashMap<>();
        v.forEach((net, layers) -> {
            Map<String, Map<String, float[]>> byLayer = new java.util.LinkedHashMap<>();
            layers.forEach((layer, uv) -> byLayer.put(layer, new java.util.LinkedHashMap<>(Map.of("u", uv[0], "v", uv[1]))));
            out.put(net, byLayer);
        });
        return out;
    }

    private static Map<String, Map<String, float[][]>> parseVectors(Path file, byte[] json) {
        Map<String, Map<String, Map<String, float[]>>> parsed;
        try {
            parsed = JSON.readValue(json, VECTORS);
        } catch (IOException e) {
            parsed = null;
        }
        if (parsed == null) {
            throw new UserException(file + ": corrupt gan checkpoint: " + SPECTRAL_NORM + " is not valid; use an "
                    + "earlier checkpoint");
        }
        Map<String, Map<String, float[][]>> out = new java.util.LinkedHashMap<>();
        parsed.forEach((net, layers) -> {
            Map<String, float[][]> byLayer = new java.util.LinkedHashMap<>();
            layers.forEach((layer, uv) -> {
                if (uv == null || uv.get("u") == null || uv.get("v") == null) {
                    throw new UserException(file + ": corrupt gan checkpoint: " + SPECTRAL_NORM + " lacks u or v of "
                            + net + " layer " + layer + "; use an earlier checkpoint");
                }
                byLayer.put(layer, new float[][]{uv.get("u"), uv.get("v")});
            });
            out.put(net, byLayer);
        });
        return out;
    }

    private static Map<String, byte[]> readEntries(Path file, boolean models) {
        String what = file + ": not a gan checkpoint";
        Map<String, byte[]> out = new HashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (!ENTRIES.contains(name)) {
                    throw new UserException(what + " (unexpected entry \"" + name + "\"); was it written by gan train?");
                }
                if (!models && name.endsWith(".zip")) continue;
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
