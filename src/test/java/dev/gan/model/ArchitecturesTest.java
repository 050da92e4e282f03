package dev.gan.model;

import dev.gan.config.AdamConfig;
import dev.gan.config.ModelConfig;
import dev.gan.system.Backend;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every (arch, image size, conditioning) the model builders make: output shapes, the class reaching both networks,
 * the documented layouts, and ModelSerializer round trips of the custom vertices.
 */
class ArchitecturesTest {
    private static final int LATENT = 8, CLASSES = 3;

    @BeforeAll
    static void init() {
        Backend.init();
    }

    static ModelConfig model(String arch, String conditioning, int classes) {
        return new ModelConfig(classes > 0 ? "cgan" : "dcgan", LATENT, 4, 4, true, 0, true, 0.0, false, 0, arch,
                conditioning, "auto", "none");
    }

    @ParameterizedTest(name = "{0} {1}x{1}x{2} {3}")
    @CsvSource({
            "dcgan,28,1,none", "dcgan,28,1,concat", "dcgan,28,1,projection",
            "dcgan,32,3,projection", "dcgan,64,3,projection", "dcgan,128,3,none", "dcgan,128,1,concat", "dcgan,128,1,projection",
            "resnet,28,1,none", "resnet,28,1,concat", "resnet,28,1,projection",
            "resnet,32,3,none", "resnet,32,3,concat", "resnet,32,3,projection",
            "resnet,64,3,none", "resnet,64,3,concat", "resnet,64,1,projection",
            "resnet,128,3,none", "resnet,128,1,concat", "resnet,128,3,projection"})
    void shapes(String arch, int size, int channels, String conditioning) {
        int classes = "none".equals(conditioning) ? 0 : CLASSES;
        ModelConfig m = model(arch, classes > 0 ? conditioning : "concat", classes);
        GanShape shape = new GanShape(channels, size, LATENT, classes, "projection".equals(conditioning));
        ComputationGraph g = GanModels.generator(m, shape, AdamConfig.defaults(), 1);
        ComputationGraph d = GanModels.discriminator(m, shape, AdamConfig.defaults(), 2);
        int[] labels = {0, 2};
        INDArray z = Nd4j.randn(DataType.FLOAT, 1, LATENT).repeat(0, 2);
        INDArray img = g.output(true, Labels.generatorInputs(shape, z, labels))[0];
        assertArrayEquals(new long[]{2, channels, size, size}, img.shape());
        assertTrue(img.maxNumber().doubleValue() <= 1 && img.minNumber().doubleValue() >= -1, "tanh range");
        INDArray logit = d.output(false, Labels.discriminatorInputs(shape, img, labels))[0];
        assertArrayEquals(new long[]{2, 1}, logit.shape());
        if (classes > 0) {
            // conditional BatchNorm starts with gain 1 and bias 0 for every class: move them apart first
            for (var layer : g.getLayers()) {
                String name = layer.conf().getLayer().getLayerName();
                if (name.endsWith("_gain") || name.endsWith("_bias")) {
                    layer.getParam("W").addi(Nd4j.randn(DataType.FLOAT, layer.getParam("W").shape()).muli(0.2));
                }
            }
            // the same z and the same image with another class: G and D must both see the label
            INDArray gen = g.output(false, Labels.generatorInputs(shape, z, labels))[0].reshape(2, -1);
            assertTrue(gen.getRow(0).sub(gen.getRow(1)).norm2Number().doubleValue() > 1e-6, "G ignores the class");
            INDArray same = img.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).repeat(0, 2);
            INDArray scores = d.output(false, Labels.discriminatorInputs(shape, same, labels))[0];
            assertTrue(Math.abs(scores.getDouble(0) - scores.getDouble(1)) > 1e-7, "D ignores the class");
        }
    }

    @ParameterizedTest
    @CsvSource({"28,'16,8,4'", "32,'4,4,4,4'", "64,'64,32,16,8,4'", "128,'64,64,32,16,8,4'"})
    void resnetGeneratorWidths(int size, String widths) {
        assertEquals(List.of(widths.split(",")).stream().map(Integer::valueOf).toList(),
                ResNetModels.generatorWidths(size, 4));
    }

    @Test
    void resnet32HasSngansLayout() {
        // SNGAN CIFAR at width 128/128 would be G 4.3M and D 1.1M parameters; here widths 8 keep it small and exact
        ModelConfig m = new ModelConfig("dcgan", 16, 8, 8, true, 0, true, 0.0, false, 0, "resnet", "concat", "auto", "none");
        GanShape shape = new GanShape(3, 32, 16, 0);
        ComputationGraph g = GanModels.generator(m, shape, AdamConfig.defaults(), 1);
        ComputationGraph d = GanModels.discriminator(m, shape, AdamConfig.defaults(), 1);
        long conv3 = 8L * 8 * 9 + 8, conv1 = 8L * 8 + 8, bn = 4 * 8;
        // G's convolutions feed BatchNorms (the next block's, or the last): no biases
        long gBlock = bn + (conv3 - 8) + bn + (conv3 - 8) + (conv1 - 8);
        assertEquals(16L * 8 * 16 + 3 * gBlock + bn + (8L * 3 * 9 + 3), g.numParams());
        long first = (3L * 8 * 9 + 8) + conv3 + (3L * 8 + 8);
        assertEquals(first + (conv3 * 2 + conv1) + 2 * (conv3 * 2) + 8 + 1, d.numParams());
        assertEquals(4, d.getConfiguration().getVertices().keySet().stream().filter(n -> n.matches("d_block\\d")).count());
    }

    @Test
    void projectionReplacesTheConcatenatedLabel() {
        GanShape concat = new GanShape(1, 28, LATENT, CLASSES), projection = new GanShape(1, 28, LATENT, CLASSES, true);
        ComputationGraph g = GanModels.generator(model("dcgan", "projection", CLASSES), projection, AdamConfig.defaults(), 1);
        ComputationGraph gConcat = GanModels.generator(model("dcgan", "concat", CLASSES), concat, AdamConfig.defaults(), 1);
        // G: no label beside z (Dense 8 x 7 x 7 wide); instead its two BatchNorms (8 and 4 channels) each get a gain
        // and a bias per class, and lose their own gamma and beta
        assertEquals(-CLASSES * 8L * 49 + 2L * CLASSES * (8 + 4) - 2 * (8 + 4), g.numParams() - gConcat.numParams());
        assertEquals(1.0, g.getLayer("g_fc_gain").getParam("W").meanNumber().doubleValue(), "gain starts at 1");
        assertEquals(0.0, g.getLayer("g_fc_bias").getParam("W").meanNumber().doubleValue(), "bias starts at 0");
        ComputationGraph d = GanModels.discriminator(model("dcgan", "projection", CLASSES), projection, AdamConfig.defaults(), 1);
        assertEquals(List.of(GanModels.D_IMAGE, GanModels.D_LABEL), d.getConfiguration().getNetworkInputs());
        assertArrayEquals(new long[]{CLASSES, 8 * 49}, d.getLayer("d_embed").getParam("W").shape());
        assertTrue(GanModels.discriminatorLoss(d) != null);
    }

    @ParameterizedTest
    @CsvSource({"dcgan,concat,true,false", "dcgan,cbn,false,true", "dcgan,concat+cbn,true,true",
            "resnet,concat,true,false", "resnet,concat+cbn,true,true"})
    void generatorConditioningIsSetApartFromD(String arch, String g, boolean concat, boolean cbn) {
        GanShape shape = new GanShape(1, 28, LATENT, CLASSES, true);
        ModelConfig m = new ModelConfig("cgan", LATENT, 4, 4, true, 0, true, 0.0, false, 0, arch, "projection", g,
                "none");
        ComputationGraph gen = GanModels.generator(m, shape, AdamConfig.defaults(), 1);
        assertEquals(concat, gen.getConfiguration().getVertices().containsKey("zy"), "z and the label merged");
        assertEquals(cbn, gen.getConfiguration().getVertices().keySet().stream().anyMatch(n -> n.endsWith("_cbn")),
                "conditional BatchNorm");
        // D stays the projection D whatever G does
        ComputationGraph d = GanModels.discriminator(m, shape, AdamConfig.defaults(), 2);
        assertEquals(List.of(GanModels.D_IMAGE, GanModels.D_LABEL), d.getConfiguration().getNetworkInputs());
        int[] labels = {0, 2};
        INDArray z = Nd4j.randn(DataType.FLOAT, 1, LATENT).repeat(0, 2);
        INDArray img = gen.output(false, Labels.generatorInputs(shape, z, labels))[0].reshape(2, -1);
        if (concat) assertTrue(img.getRow(0).sub(img.getRow(1)).norm2Number().doubleValue() > 1e-6, "G sees the class");
    }

    @ParameterizedTest
    @CsvSource({"dcgan,28", "resnet,32"})
    void projectionModelsSurviveModelSerializer(String arch, int size) throws Exception {
        GanShape shape = new GanShape(1, size, LATENT, CLASSES, true);
        ModelConfig m = model(arch, "projection", CLASSES);
        ComputationGraph g = GanModels.generator(m, shape, AdamConfig.defaults(), 1);
        ComputationGraph d = GanModels.discriminator(m, shape, AdamConfig.defaults(), 2);
        // move the gains and biases off their initial values so the round trip has something to keep
        g.params().addi(Nd4j.rand(DataType.FLOAT, g.params().shape()).muli(0.1));
        d.params().addi(Nd4j.rand(DataType.FLOAT, d.params().shape()).muli(0.1));
        int[] labels = {1, 2};
        INDArray[] gIn = Labels.generatorInputs(shape, Nd4j.randn(DataType.FLOAT, 2, LATENT), labels);
        INDArray img = g.output(false, gIn)[0];
        INDArray logit = d.output(false, Labels.discriminatorInputs(shape, img, labels))[0];
        ComputationGraph g2 = roundTrip(g), d2 = roundTrip(d);
        assertEquals(img, g2.output(false, gIn)[0]);
        assertEquals(logit, d2.output(false, Labels.discriminatorInputs(shape, img, labels))[0]);
        assertTrue(GanModels.discriminatorLoss(d2) != null);
    }

    private static ComputationGraph roundTrip(ComputationGraph net) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
    }
}
