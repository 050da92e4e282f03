package dev.gan.augment;

import dev.gan.data.ImageSet;
import dev.gan.eval.ClassifierFile;
import dev.gan.eval.ImageSets;
import dev.gan.eval.Subsets;
import dev.gan.generate.Noise;
import dev.gan.generate.Samples;
import dev.gan.model.GanShape;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A conditional generator's labelled images for one repeat, kept per class and nested: the M-per-class set of a
 * study is the first M images of each class, so a larger M adds images to a smaller one instead of replacing them,
 * and the arms of one repeat differ only in how many synthetic images they get.
 *
 * <p>A CGAN's images are labelled with the class they were generated for. A clustered DCGAN's clusters are not
 * classes, so its images (cycling through the clusters) are labelled with a domain classifier's prediction and kept
 * until every class has M, or until {@link #TRIES_PER_IMAGE} times the images wanted have been generated.
 *
 * @param all     every kept image, labelled
 * @param byClass indices into {@code all} of each class's images, in generation order
 * @param wanted  images per class that were asked for
 */
record SyntheticImages(ImageSet all, int[][] byClass, int wanted) {
    /** Noise streams of augmentation samples: their own, so they are not the eval or grid samples. */
    static final long STREAM = -3, CLUSTER_STREAMS = -1000;
    static final int TRIES_PER_IMAGE = 20;
    private static final int BATCH = 250;

    /** {@code perClass} images of each class, generated for that class. */
    static SyntheticImages ofCgan(ComputationGraph g, GanShape shape, List<String> classNames, int perClass, long seed) {
        int k = shape.numClasses(), n = k * perClass;
        INDArray z = Noise.normal(seed, STREAM, n, shape.latentSize());
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % k;
        ImageSet all = ImageSets.fromBatch(Samples.generate(g, shape, z, labels, BATCH), labels, classNames,
                "CGAN images");
        int[][] byClass = new int[k][perClass];
        for (int i = 0; i < n; i++) byClass[i % k][i / k] = i;
        return new SyntheticImages(all, byClass, perClass);
    }

    /**
     * Images of a clustered DCGAN labelled by {@code labeller}'s prediction (mapped to the data's class when it learnt
     * pseudo-classes), up to {@code perClass} of each class.
     */
    static SyntheticImages ofClusters(ComputationGraph g, GanShape shape, ClassifierFile.Loaded labeller,
                                      List<String> classNames, int perClass, long seed) {
        int k = classNames.size(), clusters = shape.numClasses();
        long cap = (long) TRIES_PER_IMAGE * k * perClass;
        List<List<Integer>> kept = new ArrayList<>();
        for (int c = 0; c < k; c++) kept.add(new ArrayList<>());
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        List<Integer> labels = new ArrayList<>();
        int per = shape.channels() * shape.size() * shape.size();
        long generated = 0;
        for (int b = 0; generated < cap && !full(kept, perClass); b++) {
            INDArray z = Noise.normal(seed, CLUSTER_STREAMS - b, BATCH, shape.latentSize());
            int[] cluster = new int[BATCH];
            for (int i = 0; i < BATCH; i++) cluster[i] = i % clusters;
            INDArray images = Samples.generate(g, shape, z, cluster, BATCH);
            int[] predicted = labeller.info().realClassesOf(labeller.classifier().run(images).predicted());
            ImageSet batch = ImageSets.fromBatch(images, predicted, classNames, "clustered DCGAN images");
            for (int i = 0; i < BATCH; i++) {
                List<Integer> bucket = kept.get(predicted[i]);
                if (bucket.size() >= perClass) continue;
                bucket.add(labels.size());
                labels.add(predicted[i]);
                pixels.write(batch.pixels(), i * per, per);
            }
            generated += BATCH;
        }
        ImageSet all = new ImageSet(pixels.toByteArray(), labels.size(), shape.channels(), shape.size(),
                labels.stream().mapToInt(Integer::intValue).toArray(), classNames,
                "clustered DCGAN images labelled by the classifier");
        int[][] byClass = kept.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        return new SyntheticImages(all, byClass, perClass);
    }

    private static boolean full(List<List<Integer>> kept, int perClass) {
        return kept.stream().allMatch(l -> l.size() >= perClass);
    }

    /** The first {@code m} images of each class (fewer for a class the clustered generator rarely makes). */
    ImageSet take(int m) {
        int[] idx = Arrays.stream(byClass).flatMapToInt(c -> Arrays.stream(c, 0, Math.min(m, c.length))).toArray();
        return Subsets.select(all, idx, all.source());
    }

    /** Classes with fewer than {@code wanted} images (only a clustered DCGAN can fall short). */
    List<Integer> shortClasses() {
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < byClass.length; c++) if (byClass[c].length < wanted) out.add(c);
        return out;
    }
}
