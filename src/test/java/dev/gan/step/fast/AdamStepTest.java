package dev.gan.step.fast;

import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.model.BceWithLogitsLoss;
import dev.gan.model.ExternalGradientLoss;
import dev.gan.model.GanShape;
import dev.gan.system.Backend;
import dev.gan.train.Networks;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AdamStep} against DL4J's own updater on copies of the same graphs (Adam blocks and BatchNorm's NoOp running
 * statistics), fed the same gradients for several updates: parameters and Adam's state must be the same bit for bit,
 * as DL4J's updater leaves them, and so must the update left in the gradient view - a resumed run and the dl4j engine
 * depend on it.
 */
class AdamStepTest {
    @BeforeAll
    static void init() {
        Backend.init();
    }

    /**
     * On one thread, and split over three (uneven parts whose ends fall inside chunks and inside the ranges divided
     * by the batch size): both networks are wide enough for the pass to split.
     */
    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 3})
    void javaPassGivesDl4jsUpdatesBitForBit(int threads) throws NotCovered {
        ExperimentConfig cfg = ConfigLoader.load(Path.of("configs/dcgan.yaml"),
                List.of("model.g_width=32", "model.d_width=32", "model.latent_size=16"));
        GanShape shape = new GanShape(cfg.data().channels(), cfg.data().imageSize(), cfg.model().latentSize(), 0, false);
        Networks nets = Networks.build(cfg, shape);
        check(nets.generator(), "generator", ExternalGradientLoss.class, threads);
        check(nets.discriminator(), "discriminator", BceWithLogitsLoss.class, threads);
    }

    private static void check(ComputationGraph graph, String role,
                              Class<? extends org.nd4j.linalg.lossfunctions.ILossFunction> loss, int threads)
            throws NotCovered {
        ComputationGraph copy = graph.clone();
        FastNet java = new FastNet(GraphCompiler.plan(graph, role, loss, Precision.FP32));
        java.adamThreads(threads);
        FastNet dl4j = new FastNet(GraphCompiler.plan(copy, role, loss, Precision.FP32));
        dl4j.useDl4jUpdater();
        for (int step = 0; step < 5; step++) {
            Nd4j.getRandom().setSeed(step);
            INDArray g = Nd4j.randn(DataType.FLOAT, java.gradients().shape()).muli(Math.pow(10, -step));
            java.gradients().assign(g);
            dl4j.gradients().assign(g);
            java.update(16);
            dl4j.update(16);
            assertArrayEquals(copy.params().toFloatVector(), graph.params().toFloatVector(), role + " step " + step);
            assertArrayEquals(dl4j.gradients().toFloatVector(), java.gradients().toFloatVector(),
                    role + " update, step " + step);
            assertArrayEquals(copy.getUpdater().getStateViewArray().toFloatVector(),
                    graph.getUpdater().getStateViewArray().toFloatVector(), role + " Adam state, step " + step);
        }
        assertTrue(java.javaAdam(), role + ": the Java pass ran");
        int largest = graph.getUpdater().getUpdaterBlocks().stream()
                .mapToInt(b -> b.getParamOffsetEnd() - b.getParamOffsetStart()).max().orElse(0);
        assertTrue(largest > AdamStep.SPLIT_FROM, role + ": no block long enough to split the pass: " + largest);
        assertFalse(dl4j.javaAdam());
    }
}
