package dev.gan.eval;

import dev.gan.data.BatchSampler;
import dev.gan.data.ImageSet;
import dev.gan.model.Labels;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The small CNN whose features and class probabilities the metrics are computed on, in the spirit of TF-GAN's MNIST
 * classifier: [conv 3x3 + ReLU + max-pool 2] x 2 (x 3 for 64x64 images), a 128-unit ReLU layer named
 * {@value #FEATURES} (the "penultimate features" of FID, KID and precision/recall) and a softmax. It sees images as
 * the GAN does, scaled to [-1, 1], so generator outputs go in unchanged.
 */
public final class DomainClassifier {
    public static final String INPUT = "image", FEATURES = "features", OUTPUT = "classes";
    /** Images per forward pass when scoring; bounds memory, not results. */
    private static final int CHUNK = 500;
    private final ComputationGraph net;

    public DomainClassifier(ComputationGraph net) {
        this.net = net;
    }

    public ComputationGraph network() {
        return net;
    }

    /** An untrained classifier for images of {@code channels x size x size} and {@code numClasses} classes. */
    public static DomainClassifier build(int channels, int size, int numClasses, long seed) {
        GraphBuilder b = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Adam(1e-3)).weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same)
                .graphBuilder().addInputs(INPUT).setInputTypes(InputType.convolutional(size, size, channels));
        String prev = INPUT;
        int stages = size >= 64 ? 3 : 2, width = 16;
        for (int i = 1; i <= stages; i++) {
            b.addLayer("conv" + i, new ConvolutionLayer.Builder(3, 3).nOut(width).activation(Activation.RELU).build(), prev);
            b.addLayer("pool" + i, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                    .stride(2, 2).build(), "conv" + i);
            prev = "pool" + i;
            width *= 2;
        }
        b.addLayer(FEATURES, new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build(), prev);
        b.addLayer(OUTPUT, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(numClasses)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), FEATURES);
        b.setOutputs(OUTPUT);
        ComputationGraph net = new ComputationGraph(b.build());
        net.init();
        return new DomainClassifier(net);
    }

    /**
     * Trains on a labelled set for {@code epochs} passes in the shuffled order {@link BatchSampler} derives from
     * {@code seed}; {@code progress} hears each finished epoch.
     */
    public void train(ImageSet data, int epochs, int batchSize, long seed, IntConsumer progress) {
        BatchSampler sampler = new BatchSampler(data, Math.min(batchSize, data.count()), seed);
        int perEpoch = sampler.batchesPerEpoch();
        for (int e = 0; e < epochs; e++) {
            for (int i = 0; i < perEpoch; i++) {
                BatchSampler.Batch batch = sampler.batch((long) e * perEpoch + i);
                net.fit(new INDArray[]{batch.images()},
                        new INDArray[]{Labels.oneHot(batch.labels(), numClasses())});
            }
            if (progress != null) progress.accept(e + 1);
        }
    }

    public int numClasses() {
        return (int) net.getOutputLayer(0).getParam("W").size(1);
    }

    /** Share of {@code data}'s images whose most probable class is their label. */
    public double accuracy(ImageSet data) {
        return ClassHistogram.accuracy(ClassHistogram.argmax(run(Subsets.asBatch(data)).probabilities()), data.labels());
    }

    /** Penultimate features and class probabilities of images in [-1, 1], [N, C, H, W]. */
    public Outputs run(INDArray images) {
        long n = images.size(0);
        double[][] features = new double[(int) n][], probs = new double[(int) n][];
        for (long start = 0; start < n; start += CHUNK) {
            long end = Math.min(n, start + CHUNK);
            INDArray part = images.get(NDArrayIndex.interval(start, end), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all());
            Map<String, INDArray> acts = net.feedForward(new INDArray[]{part}, false, true);
            double[][] f = acts.get(FEATURES).toDoubleMatrix(), p = acts.get(OUTPUT).toDoubleMatrix();
            System.arraycopy(f, 0, features, (int) start, f.length);
            System.arraycopy(p, 0, probs, (int) start, p.length);
        }
        return new Outputs(features, probs);
    }

    /** What the classifier makes of a set of images: one row per image. */
    public record Outputs(double[][] features, double[][] probabilities) {
        public int[] predicted() {
            return ClassHistogram.argmax(probabilities);
        }
    }
}
