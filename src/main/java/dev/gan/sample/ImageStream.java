package dev.gan.sample;

import dev.gan.generate.Samples;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Draws images {@code 0 .. total-1} of a seed and a class choice one batch at a time and hands each batch on, so
 * memory holds one batch whatever the total is.
 */
final class ImageStream {
    private ImageStream() {
    }

    /** Receives one batch: its first image's number, the images [n, C, H, W] in [-1, 1], and their labels or null. */
    @FunctionalInterface
    interface Sink {
        void accept(long first, INDArray images, int[] labels) throws IOException;
    }

    static void run(SampleModel model, ClassChoice classes, long seed, long total, int batchSize, ProgressReport progress,
                    Sink sink) {
        for (long first = 0; first < total; first += batchSize) {
            int n = (int) Math.min(batchSize, total - first);
            INDArray z = Latents.rows(seed, first, n, model.shape().latentSize());
            int[] labels = classes.labels(first, n);
            INDArray images = Samples.generate(model.generator(), model.shape(), z, labels, n);
            try {
                sink.accept(first, images, labels);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            progress.advance(first + n);
        }
        progress.done();
    }
}
