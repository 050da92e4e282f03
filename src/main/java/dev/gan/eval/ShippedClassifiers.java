package dev.gan.eval;

import dev.gan.data.Datasets;
import dev.gan.data.ImageSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The domain classifiers that ship with gan ({@code classifiers/*.zip} beside their {@code .json}), and which one
 * was made for a given dataset: {@code gan eval} uses it when the user names none, so that scoring a run on the
 * bundled data needs no flag. A classifier matches when the data is its reference data - the same pixels and labels
 * (its recorded fingerprint), or the first N of them ({@code data.limit}), or the same images without labels.
 */
public final class ShippedClassifiers {
    /** Where they ship, relative to the working directory like the bundled {@code data/}. */
    public static final Path DIR = Path.of("classifiers");

    private ShippedClassifiers() {
    }

    /** The first shipped classifier (by file name) made for {@code data}, if any. */
    public static Optional<Path> matching(ImageSet data) {
        return matching(DIR, data);
    }

    static Optional<Path> matching(Path dir, ImageSet data) {
        if (!Files.isDirectory(dir)) return Optional.empty();
        List<Path> zips;
        try (Stream<Path> s = Files.list(dir)) {
            zips = s.filter(p -> p.getFileName().toString().endsWith(".zip")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String fingerprint = Subsets.fingerprint(data);
        for (Path zip : zips) {
            ClassifierInfo info;
            try {
                info = ClassifierFile.JSON.readValue(ClassifierFile.infoFile(zip).toFile(), ClassifierInfo.class);
            } catch (IOException e) {
                continue;   // not a classifier gan can use; naming it explicitly gives the precise error
            }
            if (info.channels() != data.channels() || info.size() != data.size()) continue;
            if (fingerprint.equals(info.referenceSha256()) || isPrefixOf(data, info)) return Optional.of(zip);
        }
        return Optional.empty();
    }

    /** The data is the first {@code count} images of the reference data (labels compared when it has them). */
    private static boolean isPrefixOf(ImageSet data, ClassifierInfo info) {
        ImageSet ref;
        try {
            ref = Datasets.load(info.referenceData());
        } catch (RuntimeException e) {
            return false;   // the reference data is not on this machine
        }
        if (data.count() > ref.count()) return false;
        int bytes = data.count() * data.imageBytes();
        if (!Arrays.equals(data.pixels(), 0, bytes, ref.pixels(), 0, bytes)) return false;
        return !data.labelled() || ref.labelled()
                && Arrays.equals(data.labels(), 0, data.count(), ref.labels(), 0, data.count());
    }
}
