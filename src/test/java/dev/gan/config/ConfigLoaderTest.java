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
    void aKeyGivenTwiceNamesBothLines() {
        assertEquals(f("duplicate-key.yaml") + ":5: seed is given twice (lines 2 and 5); keep one: a config may set a "
                + "key only once", error("duplicate-key.yaml"));
    }

    @Test
    void aSectionGivenTwiceIsOneErrorAndItsRepeatedKeysToo() {
        assertEquals(List.of(
                f("duplicate-section.yaml") + ":6: section training is given twice (lines 2 and 6); merge the two into one",
                f("duplicate-section.yaml") + ":8: training.steps is given twice (lines 3 and 8); keep one: a config may "
                        + "set a key only once"), error("duplicate-section.yaml").lines().toList());
    }

    @Test
    void everyIntervalAndCountHasARange() {
        assertEquals(List.of(
                f("intervals.yaml") + ":5: output.log_every must be >= 1 (got 0)",
                f("intervals.yaml") + ":6: output.sample_every must be >= 1 (got -5)",
                f("intervals.yaml") + ":7: output.checkpoint_every must be >= 1 (got -1)",
                f("intervals.yaml") + ":8: output.keep_checkpoints must be >= 1 (got 0)",
                f("intervals.yaml") + ":10: watch.window must be >= 1 (got -200)",
                f("intervals.yaml") + ":11: watch.every must be >= 1 (got 0)",
                f("intervals.yaml") + ":3: data.image_size must be one of [28, 32, 64, 128] (the sizes the "
                        + "model builders know) (got 0)"), error("intervals.yaml").lines().toList());
    }

    @Test
    void binaryFileIsNotText() {
        assertEquals(f("not-text.yaml") + ": is not a UTF-8 text file; a config is YAML or JSON text (check the path, "
                + "or save the file as UTF-8)", error("not-text.yaml"));
    }

    @Test
    void nanAndInfinityMustBeFinite() {
        assertEquals(f("not-finite.yaml") + ":4: training.g.lr must be a finite number (got .nan)", error("not-finite.yaml"));
        assertEquals("--set training.d.beta1=-.inf: training.d.beta1 must be a finite number (got \"-.inf\")",
                error("out-of-range.yaml", "training.g.lr=1e-4", "training.d.beta1=-.inf"));
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

    /** Plain YAML as a person writes it: no quotes where none are needed, long values on one line, 2.0e-4. */
    @Test
    void resolvedYamlReadsLikeAHandWrittenConfig() {
        ExperimentConfig c = ConfigLoader.load(Path.of("configs/dcgan.yaml"), List.of("name=123", "training.g.lr=1e-5"));
        List<String> lines = ConfigLoader.toYaml(c).lines().toList();
        assertTrue(lines.contains("name: \"123\""), "text that reads as a number keeps its quotes: " + lines);
        assertTrue(lines.contains("  images: data/fashion-mnist/t10k-images-idx3-ubyte.gz"), lines.toString());
        assertTrue(lines.contains("  class_names: \"T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,"
                + "Ankle boot\""), "one line, quoted as in configs/dcgan.yaml: " + lines);
        assertTrue(lines.contains("    lr: 1.0e-5") && lines.contains("    lr: 2.0e-4")
                && lines.contains("    beta2: 0.999"), lines.toString());
        assertTrue(lines.contains("  engine: auto") && lines.contains("  eval_classifier: null"), lines.toString());
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

    @Test
    void spectralNormOnDWithBatchNormInDSaysToTurnItOff() {
        assertEquals(f("spectral-norm-with-d-batch-norm.yaml") + ":4: model.spectral_norm d bounds D's layers, but "
                + "BatchNorm in D rescales their outputs by the batch and undoes that bound: set model.d_batch_norm to "
                + "false (SNGAN's D has no BatchNorm)", error("spectral-norm-with-d-batch-norm.yaml"));
    }

    @Test
    void unknownSpectralNormListsTheChoices() {
        assertEquals(f("spectral-norm-unknown.yaml") + ":4: model.spectral_norm must be one of [none, d, gd] (got \"all\")",
                error("spectral-norm-unknown.yaml"));
    }

    @Test
    void emaOutOfRangeNamesBothKeys() {
        assertEquals(List.of(
                f("ema-out-of-range.yaml") + ":4: training.ema.kimg must be between 0 and 100000 (thousands of images; "
                        + "0 = no EMA generator) (got -1.0)",
                f("ema-out-of-range.yaml") + ":5: training.ema.rampup must be between 0 and 1 (a share of the images "
                        + "seen so far; 0 = no ramp-up) (got 2.0)"), error("ema-out-of-range.yaml").lines().toList());
    }

    @Test
    void spectralNormWithoutBatchNormAnywhereIsFine() {
        // SNGAN: no BatchNorm in D; G may keep it (BigGAN) or not
        ConfigLoader.load(Path.of("configs/dcgan.yaml"), List.of("model.spectral_norm=gd", "model.d_batch_norm=false"));
        ConfigLoader.load(Path.of("configs/dcgan.yaml"), List.of("model.spectral_norm=gd", "model.batch_norm=false"));
    }
}
