package dev.gan.sample;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gan.io.AtomicFiles;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of an exported dataset: where the images came from (checkpoint, its step, the seed) and
 * what is in it (format, files, classes, counts), so a synthetic dataset can always be told apart from real data and
 * regenerated. Written last: a folder without it is an export that did not finish.
 *
 * @param ganVersion           gan that wrote the export
 * @param createdAt            ISO-8601 time of writing
 * @param checkpoint           absolute path of the checkpoint
 * @param checkpointStep       generator steps the checkpoint had trained
 * @param checkpointGanVersion gan that wrote the checkpoint
 * @param modelType            dcgan or cgan
 * @param seed                 image i has the latent vector of (seed, i)
 * @param format               idx or folder
 * @param imageSize            image side in pixels
 * @param channels             1 grayscale, 3 RGB
 * @param count                images in the export
 * @param perClass             images per class (0 for an unconditional model, or when a --samples did not divide evenly
 *                             over the classes: counts then has each class's number)
 * @param classNames           the checkpoint's classes, index = label (labels in IDX files are these indices)
 * @param counts               images per exported class name (empty for an unconditional model)
 * @param files                files of the export, relative to its folder (folders: the class folders)
 */
record Manifest(String ganVersion, String createdAt, String checkpoint, long checkpointStep,
                String checkpointGanVersion, String modelType, long seed, String format, int imageSize, int channels,
                long count, long perClass, List<String> classNames, Map<String, Long> counts, List<String> files) {

    static final String FILE = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    void write(Path dir) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(this);
            AtomicFiles.write(dir.resolve(FILE), out -> out.write(bytes));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
