package dev.gan.config;

import dev.gan.UserException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** model.arch, model.conditioning and the image sizes: one fixture per failure mode, exact messages. */
class ArchitectureConfigTest {
    private static final Path DIR = Path.of("src/test/resources/config");

    private static String error(String fixture, String... sets) {
        return assertThrows(UserException.class, () -> ConfigLoader.load(DIR.resolve(fixture), List.of(sets))).getMessage();
    }

    private static String setError(String set) {
        return assertThrows(UserException.class, () -> ConfigLoader.load(Path.of("configs/dcgan.yaml"), List.of(set)))
                .getMessage();
    }

    @Test
    void projectionNeedsClasses() {
        assertEquals(DIR.resolve("projection-no-classes.yaml") + ":4: model.conditioning projection needs classes: "
                + "use model.type cgan or model.clusters > 0, or set it to concat", error("projection-no-classes.yaml"));
    }

    @Test
    void projectionNeedsBatchNormInG() {
        assertEquals(DIR.resolve("projection-no-batch-norm.yaml") + ":5: model.conditioning projection conditions G "
                + "through its BatchNorms, and model.batch_norm is false: set model.batch_norm to true, or "
                + "model.g_conditioning to concat", error("projection-no-batch-norm.yaml"));
    }

    @Test
    void generatorConditioningIsCheckedLikeConditioning() {
        assertEquals("--set model.g_conditioning=film: model.g_conditioning must be one of [auto, concat, cbn, "
                + "concat+cbn] (got \"film\")", setError("model.g_conditioning=film"));
        assertEquals("--set model.g_conditioning=cbn: model.g_conditioning cbn needs classes: use model.type cgan or "
                + "model.clusters > 0, or set it to auto", setError("model.g_conditioning=cbn"));
        UserException e = assertThrows(UserException.class, () -> ConfigLoader.load(Path.of("configs/cgan.yaml"),
                List.of("model.g_conditioning=concat+cbn", "model.batch_norm=false")));
        assertTrue(e.getMessage().endsWith("model.g_conditioning concat+cbn conditions G through its BatchNorms, and "
                + "model.batch_norm is false: set model.batch_norm to true, or model.g_conditioning to concat"),
                e.getMessage());
        ModelConfig m = ConfigLoader.load(Path.of("configs/cgan.yaml"), List.of("model.conditioning=projection",
                "model.g_conditioning=concat")).model();
        assertTrue(m.generatorConcat() && !m.generatorCbn(), "concat overrides projection's cbn for G");
    }

    @Test
    void resnetHasNoDropout() {
        assertEquals(DIR.resolve("resnet-dropout.yaml") + ":4: model.d_dropout is for model.arch dcgan (the ResNet D "
                + "has no dropout): set it to 0, or use model.arch dcgan", error("resnet-dropout.yaml"));
    }

    @Test
    void unknownArchListsTheArchs() {
        assertEquals("--set model.arch=vgg: model.arch must be one of [dcgan, resnet] (got \"vgg\")",
                setError("model.arch=vgg"));
        assertEquals("--set model.conditioning=film: model.conditioning must be one of [concat, projection] "
                + "(got \"film\")", setError("model.conditioning=film"));
    }

    @Test
    void imageSizesIncludeOneTwentyEight() {
        assertEquals("--set data.image_size=256: data.image_size must be one of [28, 32, 64, 128] (the sizes the "
                + "model builders know) (got 256)", setError("data.image_size=256"));
        assertEquals(128, ConfigLoader.load(Path.of("configs/dcgan.yaml"), List.of("data.image_size=128"))
                .data().imageSize());
    }

    @Test
    void defaultsKeepTheDcganWithConcatenatedLabels() {
        ExperimentConfig c = ConfigLoader.load(Path.of("configs/dcgan.yaml"), List.of());
        assertEquals("dcgan", c.model().arch());
        assertEquals("concat", c.model().conditioning());
    }
}
