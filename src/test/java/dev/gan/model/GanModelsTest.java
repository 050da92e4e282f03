package dev.gan.model;

import dev.gan.config.AdamConfig;
import dev.gan.config.ModelConfig;
import dev.gan.system.Backend;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GanModelsTest {
    @BeforeAll
    static void init() {
        Backend.init();
    }

    @ParameterizedTest(name = "{0}x{0}x{1}, {2} classes")
    @CsvSource({"28,1,0", "32,3,0", "64,3,0", "28,1,10", "64,3,4"})
    void generatorAndDiscriminatorShapes(int size, int channels, int classes) {
        ModelConfig m = new ModelConfig(classes > 0 ? "cgan" : "dcgan", 16, 8, 8, true, 0, true, 0.0, false, 0, "dcgan", "concat", "auto", "none");
        GanShape shape = new GanShape(channels, size, 16, classes);
        ComputationGraph g = GanModels.generator(m, shape, AdamConfig.defaults(), 1);
        ComputationGraph d = GanModels.discriminator(m, shape, AdamConfig.defaults(), 2);
        int b = 3;
        int[] labels = {0, classes > 1 ? 1 : 0, 0};
        INDArray z = Nd4j.randn(DataType.FLOAT, b, 16);
        INDArray img = g.output(false, Labels.generatorInputs(shape, z, labels))[0];
        assertArrayEquals(new long[]{b, channels, size, size}, img.shape());
        assertTrue(img.maxNumber().doubleValue() <= 1 && img.minNumber().doubleValue() >= -1, "tanh range");
        INDArray logit = d.output(false, Labels.discriminatorInputs(shape, img, labels))[0];
        assertArrayEquals(new long[]{b, 1}, logit.shape());
    }

    @ParameterizedTest
    @CsvSource({"28,2", "32,3", "64,4"})
    void depthFollowsImageSize(int size, int stride2Layers) {
        assertEquals(stride2Layers, GanModels.upsamplings(size));
    }

    @org.junit.jupiter.api.Test
    void benchmarkSpecDcgan28HasTheDocumentedWidths() {
        GanShape shape = new GanShape(1, 28, 100, 0);
        ComputationGraph g = GanModels.generator(ModelConfig.defaults(), shape, AdamConfig.defaults(), 1);
        ComputationGraph d = GanModels.discriminator(ModelConfig.defaults(), shape, AdamConfig.defaults(), 1);
        // G: Dense(100 -> 128*7*7) + BN per channel, ConvT(128->64) + BN, ConvT(64->1); D: Conv(1->64), Conv(64->128) + BN, Dense(6272->1)
        assertEquals(100L * 6272 + 4 * 128 + 128L * 64 * 16 + 4 * 64 + 64L * 16 + 1, g.numParams());
        assertEquals(16L * 64 + 64 + 64L * 128 * 16 + 4 * 128 + 6272 + 1, d.numParams());
        // multiply-adds per image, by hand: a conv does k*k*inC per output value, a deconv k*k*outC per input value
        long fc = 100L * 6272, up1 = 7 * 7 * 128L * 64 * 16, up2 = 14 * 14 * 64L * 16;
        assertEquals(new NetworkMacs(fc + up1 + up2, fc, 0), NetworkMacs.generator(g, shape));
        long conv1 = 14 * 14 * 64L * 16, conv2 = 7 * 7 * 128L * 64 * 16;
        assertEquals(new NetworkMacs(conv1 + conv2 + 6272, conv1, 0), NetworkMacs.discriminator(d, shape));
    }

    @org.junit.jupiter.api.Test
    void cganTakesTheLabelIntoBothNetworks() {
        GanShape plain = new GanShape(1, 28, 100, 0), cond = new GanShape(1, 28, 100, 10);
        ModelConfig m = ModelConfig.defaults();
        // G: the one-hot label widens the input of the projection; D: one label plane per class beside the image
        assertEquals(10L * 6272, GanModels.generator(m, cond, AdamConfig.defaults(), 1).numParams()
                - GanModels.generator(m, plain, AdamConfig.defaults(), 1).numParams());
        assertEquals(10L * 64 * 16, GanModels.discriminator(m, cond, AdamConfig.defaults(), 1).numParams()
                - GanModels.discriminator(m, plain, AdamConfig.defaults(), 1).numParams());

        ModelConfig tiny = new ModelConfig("cgan", 16, 8, 8, true, 0, true, 0.0, false, 0, "dcgan", "concat", "auto", "none");
        GanShape shape = new GanShape(1, 28, 16, 10);
        ComputationGraph g = GanModels.generator(tiny, shape, AdamConfig.defaults(), 1);
        ComputationGraph d = GanModels.discriminator(tiny, shape, AdamConfig.defaults(), 2);
        INDArray z = Nd4j.randn(DataType.FLOAT, 1, 16).repeat(0, 2);
        int[] twoClasses = {3, 8};
        INDArray img = g.output(false, Labels.generatorInputs(shape, z, twoClasses))[0].reshape(2, 28 * 28);
        assertTrue(img.getRow(0).sub(img.getRow(1)).norm2Number().doubleValue() > 1e-4, "same z, other class, other image");
        INDArray same = img.getRow(0).reshape(1, 1, 28, 28).repeat(0, 2);
        INDArray logits = d.output(false, Labels.discriminatorInputs(shape, same, twoClasses))[0];
        assertTrue(Math.abs(logits.getDouble(0) - logits.getDouble(1)) > 1e-6, "same image, other class, other score");
    }

    @org.junit.jupiter.api.Test
    void labelInputShapes() {
        GanShape shape = new GanShape(3, 32, 16, 4);
        INDArray[] gIn = Labels.generatorInputs(shape, Nd4j.zeros(DataType.FLOAT, 5, 16), new int[]{0, 1, 2, 3, 3});
        assertEquals(2, gIn.length);
        assertArrayEquals(new long[]{5, 4}, gIn[1].shape());
        assertArrayEquals(new float[]{1, 1, 1, 1, 1}, gIn[1].sum(1).data().asFloat(), "one 1 per row");
        INDArray[] dIn = Labels.discriminatorInputs(shape, Nd4j.zeros(DataType.FLOAT, 5, 3, 32, 32), new int[]{0, 1, 2, 3, 3});
        assertArrayEquals(new long[]{5, 4, 32, 32}, dIn[1].shape());
        assertEquals(1, Labels.generatorInputs(new GanShape(1, 28, 16, 0), Nd4j.zeros(DataType.FLOAT, 5, 16), null).length);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Labels.oneHot(new int[]{4}, 4), "labels beyond the class count are a bug, not a silent zero row");
    }

    @org.junit.jupiter.api.Test
    void labelEncodings() {
        INDArray oneHot = Labels.oneHot(new int[]{2, 0}, 3);
        assertArrayEquals(new long[]{2, 3}, oneHot.shape());
        assertArrayEquals(new float[]{0, 0, 1, 1, 0, 0}, oneHot.data().asFloat());
        INDArray maps = Labels.maps(new int[]{1}, 3, 4);
        assertArrayEquals(new long[]{1, 3, 4, 4}, maps.shape());
        assertEquals(16.0, maps.sumNumber().doubleValue());
        assertEquals(16.0, maps.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.point(1)).sumNumber().doubleValue());
    }
}
