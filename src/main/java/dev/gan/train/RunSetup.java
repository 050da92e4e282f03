package dev.gan.train;

import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.data.FolderSource;
import dev.gan.data.ImageSet;
import dev.gan.data.TrainingData;
import dev.gan.model.GanShape;
import dev.gan.step.AugmentProbability;
import dev.gan.step.Objective;
import dev.gan.system.Backend;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a config trains, set up the same way for {@code gan train}, {@code gan bench} and {@code gan train --dry-run}:
 * the data, the networks' shape checked against it (CGAN classes), the two networks and what the step optimises.
 *
 * @param data      the images the run trains on
 * @param shape     what the networks look like for this config and data
 * @param nets      the networks: new, or a checkpoint's
 * @param objective training.loss, label smoothing and R1, read once: the engine and the run's listeners share it
 */
public record RunSetup(ImageSet data, GanShape shape, Networks nets, Objective objective) {
    /** The config's networks for {@code data}, after its checks. */
    public static RunSetup of(ExperimentConfig cfg, ImageSet data) {
        GanShape shape = shapeFor(cfg, data);
        Networks nets = Networks.build(cfg, shape);
        LearningRates.start(cfg, nets, TrainingRun.totalSteps(cfg, data));
        return of(cfg, data, shape, nets);
    }

    /** Given networks of {@code shape} (a resumed run's), trained under {@code cfg}. */
    public static RunSetup of(ExperimentConfig cfg, ImageSet data, GanShape shape, Networks nets) {
        return new RunSetup(data, shape, nets, Objective.of(cfg.training()));
    }

    /** The step that trains these networks for this objective, with augmentation probability {@code p}. */
    public Engines.Selected engine(ExperimentConfig cfg, AugmentProbability p) {
        return nets.engine(cfg, shape, objective, p);
    }

    /** {@code gan train --dry-run}: the resolved config, the data, both network summaries and the engine. */
    public static void dryRun(ExperimentConfig cfg, PrintStream out) {
        out.print(ConfigLoader.toYaml(cfg));
        out.println();
        out.println(Backend.init());
        ImageSet data = TrainingData.load(cfg);
        GanShape shape = shapeFor(cfg, data);
        out.printf("data: %d images %dx%dx%d from %s%n", data.count(), data.channels(), data.size(), data.size(),
                data.source());
        if (!data.skippedFiles().isEmpty()) {
            out.println("WARNING: " + FolderSource.skippedWarning(data.skippedFiles(), "skipped-files.txt of a run"));
        }
        Networks nets = Networks.build(cfg, shape);
        out.println("Generator");
        out.println(nets.generator().summary());
        out.println("Discriminator");
        out.println(nets.discriminator().summary());
        Engines.Selected engine = nets.engine(cfg, shape);
        out.println("engine: " + engine.describe());
        if (engine.auto() != null) out.println(engine.auto().line());
        out.println("stabilisers: " + RunLines.stabilisers(cfg));
    }

    /** What the networks must look like for this config and dataset; checks CGAN's classes against the data. */
    public static GanShape shapeFor(ExperimentConfig cfg, ImageSet data) {
        int classes = 0;
        if ("cgan".equals(cfg.model().type())) {
            if (!data.labelled() && "folder".equals(cfg.data().format())) {
                throw new UserException(data.source() + ": has no class sub-folders (its images are all directly "
                        + "inside), and model.type cgan needs labels: sort the images into one sub-folder per class, "
                        + "or use model.type dcgan");
            }
            if (!data.labelled()) {
                throw new UserException(data.source() + ": has no labels, and model.type cgan needs them: set "
                        + "data.labels (idx) or sort the images into one sub-folder per class (folder)");
            }
            classes = data.numClasses();
            int want = cfg.model().numClasses();
            if (want > 0 && want != classes) {
                throw new UserException("model.num_classes is " + want + " but " + data.source() + " has " + classes
                        + " classes; set model.num_classes to " + classes + ", or to 0 to take it from the data");
            }
            if (classes < 2) {
                throw new UserException(data.source() + ": has " + classes + " class; a CGAN needs at least 2");
            }
            requireEveryClass(cfg, data);
        }
        if (cfg.model().clusters() > 0) classes = data.numClasses();
        return new GanShape(data.channels(), data.size(), cfg.model().latentSize(), classes,
                cfg.model().discriminatorProjection());
    }

    /**
     * A CGAN learns one class per label, from 0 to the largest; a class without images would still get a grid row
     * and a share of the generated labels, and learn nothing (labels up to 200 make 201 classes, most of them empty).
     */
    private static void requireEveryClass(ExperimentConfig cfg, ImageSet data) {
        int[] count = new int[data.numClasses()];
        int maxLabel = 0;
        for (int l : data.labels()) {
            count[l]++;
            maxLabel = Math.max(maxLabel, l);
        }
        List<String> empty = new ArrayList<>();
        for (int k = 0; k < count.length; k++) {
            String name = data.classNames().get(k);
            if (count[k] == 0) empty.add(name.equals(Integer.toString(k)) ? name : k + " " + name);
        }
        if (empty.isEmpty()) return;
        boolean idx = "idx".equals(cfg.data().format());
        String where = idx ? cfg.data().labels() : data.source();
        String shown = String.join(", ", empty.subList(0, Math.min(8, empty.size())))
                + (empty.size() > 8 ? " and " + (empty.size() - 8) + " more" : "");
        String fix, scope = "";
        if (idx && maxLabel + 1 < count.length && empty.size() == count.length - maxLabel - 1) {
            fix = "data.class_names names " + count.length + " classes but the labels go up to " + maxLabel
                    + ": give one name per class";
        } else if (cfg.data().limit() > 0) {
            scope = " in the first " + cfg.data().limit() + " (data.limit)";
            fix = "raise data.limit (" + cfg.data().limit() + ") so that every class has images, or use model.type dcgan";
        } else {
            fix = "a CGAN needs images of every class: number the labels 0.." + (count.length - empty.size() - 1)
                    + " without gaps, or use model.type dcgan";
        }
        throw new UserException(String.format(Locale.ROOT, "%s: %d of the %d classes %s no image%s: %s; %s",
                where, empty.size(), count.length, empty.size() == 1 ? "has" : "have", scope, shown, fix));
    }
}
