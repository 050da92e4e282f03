package dev.gan.sample;

import dev.gan.io.ImageGrid;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --samples N}: N single PNGs named {@code sample-step<N>-seed<S>-<i>[-<class>].png}; image {@code i} is the
 * same as cell {@code i} of a grid with that seed. With every class of a CGAN the classes take turns.
 */
final class SingleImages {
    private SingleImages() {
    }

    /** The files {@code --samples} would write, so that they can be checked before anything is generated. */
    static List<Path> files(SampleModel model, ClassChoice classes, long count, long seed, Path dir) {
        List<Path> out = new ArrayList<>();
        for (long i = 0; i < count; i++) out.add(file(model, classes, i, seed, dir));
        return out;
    }

    static void write(SampleModel model, ClassChoice classes, long count, long seed, int batchSize, Path dir,
                      ProgressReport progress) {
        ImageStream.run(model, classes, seed, count, batchSize, progress, (first, images, labels) -> {
            for (int j = 0; j < images.size(0); j++) {
                ImageGrid.writePngUnsynced(ImageGrid.single(images.get(NDArrayIndex.point(j))),
                        file(model, classes, first + j, seed, dir));
            }
        });
    }

    private static Path file(SampleModel model, ClassChoice classes, long i, long seed, Path dir) {
        int label = classes.labelOf(i);
        String cls = label < 0 ? "" : "-" + OutputFiles.safeName(model.classNames().get(label));
        return dir.resolve(String.format("sample-step%06d-seed%d-%06d%s.png", model.step(), seed, i, cls));
    }
}
