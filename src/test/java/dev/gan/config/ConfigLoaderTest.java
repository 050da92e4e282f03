package dev.gan.config;

import dev.gan.UserException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One fixture per failure mode, each with its exact message: the wording is part of the interface. */
class ConfigLoaderTest {
    private static final Path DIR = Path.of("src/test/resources/config");

    private static String error(String fixture, String... sets) {
        return assertThrows(UserException.class, () -> ConfigLoader.load(DIR.resolve(fixture), List.of(sets))).getMessage();
    }

    private static String f(String name) {
        return DIR.resolve(name).toString();
    }

    @Test
    void typoGetsSuggestion() {
        assertEquals(f("typo.yaml") + ":4: unknown key model.latent_sise (did you mean model.latent_size?)", error("typo.yaml"));
    }

    @Test
    void unknownKeyNamesTheKeysItMayHaveMeant() {
        assertEquals(f("unknown-key.yaml") + ":4: unknown key training.lr (did you mean training.g.lr or training.d.lr?)",
                error("unknown-key.yaml"));
    }

    @Test
    void wrongType() {
        assertEquals(f("wrong-type.yaml") + ":3: training.batch_size must be a whole number (got \"sixty-four\")",
                error("wrong-type.yaml"));
    }

    @Test
    void outOfRange() {
        assertEquals(f("out-of-range.yaml") + ":5: training.g.lr must be > 0 and < 1 (got -0.001)", error("out-of-range.yaml"));
    }

    @Test
    void allProblemsAreReportedTogether() {
        String msg = error("several.yaml");
        assertEquals(List.of(
                f("several.yaml") + ":6: data.channels must be 1 (grayscale) or 3 (RGB) (got 2)",
                f("several.yaml") + ":3: training.batch_size must be between 2 and 4096 (BatchNorm needs at least 2 images) (got 1)",
                f("several.yaml") + ":4: training.d_steps must be between 1 and 100 (got 0)"), msg.lines().toList());
    }

    @Test
    void objectiveKeysOutOfRange() {
        String f = f("objective-out-of-range.yaml");
        assertEquals(List.of(
                f + ":3: training.loss must be one of [ns, hinge, lsgan, wgan] (got \"softplus\")",
                f + ":4: training.r1_gamma must be between 0 and 1000 (0 = no R1 penalty) (got -1.0)",
                f + ":5: training.r1_every must be between 1 and 1000 (1 = every D step; StyleGAN2 uses 16) (got 0)",
                f + ":7: training.augment_p must be auto or a number between 0 and 1 (got \"1.5\")",
                f + ":8: training.ada_target must be > 0 and < 1 (got 1.2)"),
                error("objective-out-of-range.yaml").lines().toList());
    }

    @Test
    void augmentProbabilityNeedsAugmentation() {
        assertEquals(f("augment-p-without-augment.yaml") + ":4: training.augment_p is auto but training.augment is "
                + "none: name the transforms it applies, e.g. training.augment=color,translation,cutout (or remove "
                + "augment_p)", error("augment-p-without-augment.yaml"));
    }

    @Test
    void r1NeedsADiscriminatorWithoutBatchNorm() {
        assertEquals(f("r1-with-batchnorm.yaml") + ":5: training.r1_gamma needs a discriminator without BatchNorm (R1 "
                + "penalises each real image's own gradient; BatchNorm mixes the batch into it): set "
                + "model.d_batch_norm=false, or training.r1_gamma=0", error("r1-with-batchnorm.yaml"));
        assertEquals(f("r1-with-batchnorm.yaml") + ":5: training.r1_gamma does not work with "
                + "model.d_minibatch_stddev (R1's finite difference needs a D that is linear between its LeakyReLU "
                + "kinks): set model.d_minibatch_stddev=false, or training.r1_gamma=0",
                error("r1-with-batchnorm.yaml", "model.d_batch_norm=false", "model.d_minibatch_stddev=true"));
    }

    @Test
    void labelSmoothingNeedsALossWithATarget() {
        assertEquals(f("smoothing-without-target.yaml") + ":4: training.label_smoothing moves the real target of the "
                + "ns and lsgan losses; training.loss hinge has no target: set label_smoothing to 0 (got 0.1)",
                error("smoothing-without-target.yaml"));
    }

    @Test
    void malformedYaml() {
        String msg = error("malformed.yaml");
        assertTrue(msg.startsWith(f("malformed.yaml") + ":5: malformed YAML: "), msg);
        assertEquals(1, msg.lines().count(), msg);
    }

    @Test
    void emptyFile() {
        assertEquals(f("empty.yaml") + ": the file is empty; a config needs data, model and training sections "
                + "(start from configs/dcgan.yaml)", error("empty.yaml"));
    }

    @Test
    void missingFile() {
        assertEquals(f("nope.yaml") + ": no such file; give the path of a config, e.g. configs/dcgan.yaml", error("nope.yaml"));
    }

    @Test
    void jsonByExtensionWithLines() {
        assertEquals(f("bad.json") + ":4: training.steps must be >= 0 (0 = train for training.epochs) (got -5)", error("bad.json"));
    }

    @Test
    void setWithoutEquals() {
        assertEquals("--set training.g.lr: expected key.path=value, e.g. --set training.g.lr=1e-4",
                error("out-of-range.yaml", "training.g.lr"));
    }

    @Test
    void setUnknownKeyIsCheckedLikeTheFile() {
        assertEquals("--set training.lr=1e-4: unknown key training.lr (did you mean training.g.lr or training.d.lr?)",
                error("typo.yaml", "training.lr=1e-4").lines()
                        .filter(l -> l.startsWith("--set training.lr")).findFirst().orElse(""));
    }

    @Test
    void setBadValueNamesTheFlag() {
        assertEquals("--set training.g.lr=-1: training.g.lr must be > 0 and < 1 (got -1.0)",
                assertThrows(UserException.class, () -> ConfigLoader.load(Path.of("configs/dcgan.yaml"),
                        List.of("training.g.lr=-1"))).getMessage());
    }

    @Test
    void unknownAugmentationIsNamed() {
        assertEquals("--set training.augment=color,flip: training.augment must be none or a comma-separated subset "
                        + "of color, translation, cutout (got \"color,flip\")",
                assertThrows(UserException.class, () -> ConfigLoader.load(Path.of("configs/dcgan.yaml"),
                        List.of("training.augment=color,flip"))).getMessage());
    }

    @Test
    void unknownEngineListsTheEngines() {
        assertEquals("--set training.engine=turbo: training.engine must be one of [auto, dl4j, fast] (got \"turbo\")",
                assertThrows(UserException.class, () -> ConfigLoader.load(Path.of("configs/dcgan.yaml"),
                        List.of("training.engine=turbo"))).getMessage());
    }

    @Test
    void setIntoAValueIsAnError() {
        assertEquals("--set name.x=1: name is a single value, not a section, so it has no key x",
                assertThrows(UserException.class, () -> ConfigLoader.load(Path.of("configs/dcgan.yaml"),
                        List.of("name.x=1"))).getMessage());
    }

    @Test
    void setOverridesAndDefaultsFill(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("c.yaml");
        Files.writeString(file, "name: small\ntraining:\n  g:\n    lr: 2e-4\n");
        ExperimentConfig c = ConfigLoader.load(file, List.of("training.d.lr=1e-4", "model.batch_norm=false"));
        assertEquals(2e-4, c.training().g().lr());            // YAML 1.1 reads 2e-4 as text; still a number here
        assertEquals(1e-4, c.training().d().lr());
        assertEquals(false, c.model().batchNorm());
        assertEquals(ModelConfig.defaults().latentSize(), c.model().latentSize());
    }

    @Test
    void resolvedYamlLoadsBackToTheSameConfig() {
        ExperimentConfig c = ConfigLoader.load(Path.of("configs/dcgan.yaml"), List.of("training.steps=7"));
        assertEquals(c, ConfigLoader.fromYaml(ConfigLoader.toYaml(c), "resolved", List.of()));
    }

    @Test
    void classNamesAreForIdxData() {
        assertEquals("--set data.class_names=a,b: data.class_names is for idx data; a folder takes its class names "
                        + "from its sub-folders (got \"a,b\")",
                assertThrows(UserException.class, () -> ConfigLoader.load(Path.of("configs/dcgan-folder.yaml"),
                        List.of("data.class_names=a,b"))).getMessage());
    }

    @Test
    void everyShippedConfigLoads() throws Exception {
        try (var files = Files.list(Path.of("configs"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                ConfigLoader.load(p, List.of());
            }
        }
    }

    @Test
    void everyKeyOfShippedConfigsIsCommented() throws Exception {
        try (var files = Files.list(Path.of("configs"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (String line : Files.readAllLines(p)) {
                    if (line.matches("\\s*[a-z_]+:.*") && !line.trim().startsWith("#")) {
                        assertTrue(line.contains("#"), p + ": key without a comment: " + line);
                    }
                }
            }
        }
    }
}
