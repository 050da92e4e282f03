package dev.gan.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gan.Sha256;
import dev.gan.UserException;
import dev.gan.io.AtomicFiles;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A domain classifier on disk: {@code name.zip} (DL4J's ModelSerializer, no updater state: it is only run, never
 * trained further) and {@code name.json} ({@link ClassifierInfo}). The zip's SHA-256 names the classifier in every
 * evaluation's protocol: two numbers are comparable only when this hash is the same.
 */
public final class ClassifierFile {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ClassifierFile() {
    }

    /** A loaded classifier with what it says about itself and the hash of its file. */
    public record Loaded(Path file, DomainClassifier classifier, ClassifierInfo info, String sha256) {
    }

    public static Path infoFile(Path zip) {
        String name = zip.getFileName().toString();
        return zip.resolveSibling((name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name) + ".json");
    }

    public static void save(Path zip, DomainClassifier classifier, ClassifierInfo info) {
        AtomicFiles.write(zip, out -> ModelSerializer.writeModel(classifier.network(), out, false));
        AtomicFiles.write(infoFile(zip), out -> out.write(JSON.writeValueAsBytes(info)));
    }

    public static Loaded load(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw new UserException(zip + ": no such classifier file; train one with gan classifier train --config "
                    + "FILE (see docs/evaluation.md)");
        }
        Path json = infoFile(zip);
        ClassifierInfo info;
        try {
            info = JSON.readValue(json.toFile(), ClassifierInfo.class);
        } catch (IOException e) {
            throw new UserException(json + ": missing or unreadable (" + firstLine(e) + "); it is written beside the "
                    + "classifier by gan classifier train, which records the protocol every score needs");
        }
        if (info.formatVersion() > ClassifierInfo.FORMAT_VERSION) {
            throw new UserException(json + ": written by a newer gan (format " + info.formatVersion() + "); upgrade gan");
        }
        ComputationGraph net;
        try {
            net = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (Exception e) {
            throw new UserException(zip + ": not a readable classifier (" + firstLine(e) + "); train it again with "
                    + "gan classifier train", e);
        }
        return new Loaded(zip, new DomainClassifier(net), info, Sha256.of(zip));
    }

    private static String firstLine(Exception e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }
}
