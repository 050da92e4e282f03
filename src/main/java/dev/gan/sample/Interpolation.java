package dev.gan.sample;

import dev.gan.generate.Samples;
import dev.gan.io.ImageGrid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --interpolate K}: a walk through latent space from seed to seed. Each seed stands for its image 0 (the first
 * cell of {@code gan sample --seed S}); between two consecutive seeds K images (ends included) follow the spherical
 * path between their latent vectors. Written as a strip PNG (one row; with every class of a CGAN one row per class,
 * the same walk in each) and as a looping GIF whose frames are the strip's columns, enlarged.
 */
final class Interpolation {
    /** Frames are enlarged to about this many pixels per image so the GIF is not a thumbnail. */
    private static final int GIF_TILE_PIXELS = 112;
    private static final int FRAME_MILLIS = 100;

    private Interpolation() {
    }

    /** Images in the walk: K per pair of seeds, the shared ends counted once. */
    static int frames(int seeds, int k) {
        return (seeds - 1) * (k - 1) + 1;
    }

    static long write(SampleModel model, ClassChoice classes, List<Long> seeds, int k, int batchSize, Path strip, Path gif) {
        List<float[]> path = path(model.shape().latentSize(), seeds, k);
        int frames = path.size();
        int rows = classes.all() ? classes.indices().length : 1;
        INDArray z = Nd4j.create(DataType.FLOAT, (long) rows * frames, model.shape().latentSize());
        int[] labels = classes.none() ? null : new int[rows * frames];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < frames; f++) {
                z.putRow((long) r * frames + f, Nd4j.create(path.get(f)));
                if (labels != null) labels[r * frames + f] = classes.indices()[classes.all() ? r : 0];
            }
        }
        INDArray images = Samples.generate(model.generator(), model.shape(), z, labels, batchSize);
        List<String> rowLabels = classes.all() ? model.classNames() : null;
        ImageGrid.writePng(ImageGrid.grid(images, rows, frames, rowLabels), strip);

        int scale = Math.max(1, GIF_TILE_PIXELS / model.shape().size());
        List<BufferedImage> gifFrames = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            INDArray[] column = new INDArray[rows];
            for (int r = 0; r < rows; r++) column[r] = images.get(NDArrayIndex.point((long) r * frames + f));
            INDArray col = Nd4j.stack(0, column);
            gifFrames.add(enlarge(ImageGrid.grid(col, rows, 1, rowLabels), scale));
        }
        AnimatedGif.write(gifFrames, FRAME_MILLIS, gif);
        return (long) rows * frames;
    }

    static List<float[]> path(int latentSize, List<Long> seeds, int k) {
        List<float[]> out = new ArrayList<>();
        for (int s = 0; s + 1 < seeds.size(); s++) {
            float[] a = Latents.of(seeds.get(s), 0, latentSize), b = Latents.of(seeds.get(s + 1), 0, latentSize);
            for (int i = s == 0 ? 0 : 1; i < k; i++) out.add(Latents.slerp(a, b, i / (double) (k - 1)));
        }
        return out;
    }

    /** Nearest-neighbour enlargement: crisp pixels, no blur. */
    private static BufferedImage enlarge(BufferedImage img, int scale) {
        if (scale == 1) return img;
        BufferedImage out = new BufferedImage(img.getWidth() * scale, img.getHeight() * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(img, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }
}
