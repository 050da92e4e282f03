package dev.gan.step;

import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.model.GanModels;
import dev.gan.model.GanShape;
import dev.gan.model.NetworkMacs;
import dev.gan.system.Backend;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StepFlops} on the networks the shipped benchmark configs build, against the GAN-step benchmark's figures
 * (counted by hand from the specs with the same convention): DCGAN-28 10.29, DCGAN-64 158.9, ResNet-32 958 GFLOP per
 * step. Then what d_steps, g_steps, R1 and a projection D's label embedding add.
 */
class StepFlopsTest {
    @BeforeAll
    static void nd4j() {
        Backend.init();
    }

    private static ExperimentConfig config(String file, String... sets) {
        return ConfigLoader.load(Path.of("configs", file), List.of(sets));
    }

    private static double gflop(ExperimentConfig cfg, GanShape shape) {
        ComputationGraph g = GanModels.generator(cfg.model(), shape, cfg.training().g(), cfg.seed());
        ComputationGraph d = GanModels.discriminator(cfg.model(), shape, cfg.training().d(), cfg.seed() + 1);
        return StepFlops.perStep(g, d, shape, cfg.training()) / 1e9;
    }

    private static GanShape shape(ExperimentConfig cfg) {
        return new GanShape(cfg.data().channels(), cfg.data().imageSize(), cfg.model().latentSize(), 0);
    }

    @ParameterizedTest
    @CsvSource({"bench-dcgan28.yaml, 10.29", "bench-dcgan64.yaml, 158.9", "bench-resnet32.yaml, 958"})
    void benchmarkConfigsHaveTheBenchmarksFlops(String file, double reference) {
        ExperimentConfig cfg = config(file);
        double counted = gflop(cfg, shape(cfg));
        assertEquals(reference, counted, 0.01 * reference, file + ": " + counted + " GFLOP per step");
    }

    @Test
    void moreUpdatesPerStepAddTheirPasses() {
        ExperimentConfig cfg = config("bench-dcgan28.yaml");
        GanShape shape = shape(cfg);
        ComputationGraph g = GanModels.generator(cfg.model(), shape, cfg.training().g(), 1);
        ComputationGraph d = GanModels.discriminator(cfg.model(), shape, cfg.training().d(), 2);
        NetworkMacs gm = NetworkMacs.generator(g, shape), dm = NetworkMacs.discriminator(d, shape);
        double b2 = 2.0 * 64, one = StepFlops.perStep(gm, dm, cfg.training());
        // a D update: G forward, D forward and backward on reals and fakes (no gradient for D's input)
        double dUpdate = b2 * (gm.forward() + 2 * (3.0 * dm.forward() - dm.entry()));
        assertEquals(one + dUpdate, StepFlops.perStep(gm, dm, config("bench-dcgan28.yaml",
                "training.d_steps=2").training()), 1);
        // a G update on regenerated fakes: G forward, D down to the image, G backward
        double gUpdate = b2 * (gm.forward() + 3.0 * dm.forward() + 2.0 * gm.forward() - gm.entry());
        assertEquals(one + gUpdate, StepFlops.perStep(gm, dm, config("bench-dcgan28.yaml",
                "training.g_steps=2").training()), 1);
        // R1 on every other D update: half of its three passes (the first back to the image) per step
        double r1 = b2 * (3.0 * dm.forward() + 2 * (3.0 * dm.forward() - dm.entry())) / 2;
        assertEquals(one + r1, StepFlops.perStep(gm, dm, config("bench-dcgan28.yaml", "model.d_batch_norm=false",
                "training.r1_gamma=1", "training.r1_every=2").training()), 1);
    }

    @Test
    void aProjectionDsLabelEmbeddingNeverNeedsAnInputGradient() {
        ExperimentConfig cfg = config("cgan.yaml", "model.conditioning=projection");
        GanShape shape = new GanShape(1, 28, cfg.model().latentSize(), 10, true);
        ComputationGraph d = GanModels.discriminator(cfg.model(), shape, cfg.training().d(), 1);
        NetworkMacs m = NetworkMacs.discriminator(d, shape);
        long features = 2L * cfg.model().dWidth() * 7 * 7;
        assertEquals(10 * features, m.labelEntry(), "the embedding of the one-hot label: classes x features");
        assertEquals(16L * cfg.model().dWidth() * 14 * 14 + 10 * features, m.entry(),
                "D's first conv and the embedding");
        assertTrue(m.forward() > m.entry());
    }
}
