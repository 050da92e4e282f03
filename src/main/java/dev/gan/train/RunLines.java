package dev.gan.train;

import dev.gan.config.ExperimentConfig;
import dev.gan.data.ImageSet;
import dev.gan.data.MappedPixels;
import dev.gan.data.Mirrored;
import dev.gan.io.RunLog;
import dev.gan.step.FrozenBlocks;
import dev.gan.system.Backend;

import java.math.BigDecimal;
import java.util.Locale;

/** The lines a run's log opens with: what it trains on, with what, and what the step optimises. */
final class RunLines {
    private RunLines() {
    }

    static String data(ImageSet data) {
        ImageSet read = Mirrored.unflipped(data);
        return String.format(Locale.ROOT, "data: %d images %dx%dx%d from %s%s%s%s", data.count(), data.channels(),
                data.size(), data.size(), data.source(), data.labelled() ? ", " + data.numClasses() + " classes" : "",
                read.store() instanceof MappedPixels ? ", memory-mapped" : "",
                read != data ? ", x2 mirrored (" + read.count() + " images and their x-flips)" : "");
    }

    static String model(ExperimentConfig cfg, Networks nets, Engines.Selected engine) {
        return String.format(Locale.ROOT, "model: %s, G %,d params, D %,d params; %s engine=%s",
                cfg.model().type(), nets.generator().numParams(), nets.discriminator().numParams(), Backend.init(),
                engine.describe());
    }

    static String training(ExperimentConfig cfg, TrainingRun run) {
        return String.format(Locale.ROOT, "training: %d steps of batch %d (%.1f epochs of %d batches)",
                run.totalSteps(), cfg.training().batchSize(),
                run.totalSteps() * (double) cfg.training().dSteps() / run.sampler().batchesPerEpoch(),
                run.sampler().batchesPerEpoch());
    }

    /** What model.spectral_norm and training.ema do in this run, and which generator the grids show. */
    static String stabilisers(ExperimentConfig cfg) {
        String sn = switch (cfg.model().spectralNorm()) {
            case "d" -> "spectral norm on D";
            case "gd" -> "spectral norm on G and D";
            default -> "no spectral norm";
        };
        var ema = cfg.training().ema();
        return sn + "; " + (ema.on()
                ? String.format(Locale.ROOT, "EMA generator (half-life %s kimg, ramp-up %s): sample grids, evaluation, "
                + "best.zip, gan sample and gan eval use it (--raw for the trained generator)", plain(ema.kimg()),
                plain(ema.rampup()))
                : "no EMA generator: sample grids and evaluation use the trained generator");
    }

    private static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** The log line that says what the step optimises: loss, R1 and augmentation. */
    static String objective(ExperimentConfig cfg) {
        var t = cfg.training();
        String r1 = t.r1Gamma() > 0 ? String.format(Locale.ROOT, ", R1 gamma %s every %d D steps", t.r1Gamma(),
                t.r1Every()) : "";
        String aug = !t.augmenting() ? ", no augmentation" : ", augment " + t.augment() + " with p " + (t.augmentAuto()
                ? String.format(Locale.ROOT, "auto (target %s, %s kimg)", t.adaTarget(), t.adaKimg()) : t.augmentP());
        return "objective: loss " + t.loss() + r1 + aug;
    }

    /**
     * training.init_from's and training.freeze_d's lines: the parent the weights came from ({@code parent}, null
     * when the run does not start from one) and the blocks of D that stay fixed.
     */
    static void fineTuning(RunLog log, ExperimentConfig cfg, Networks nets, String parent) {
        if (parent != null) {
            log.info(parent + ": loaded " + (cfg.training().ema().on() ? "G, D and EMA G" : "G and D")
                    + " weights; new optimiser state, step 0");
        }
        int frozen = cfg.training().freezeD();
        if (frozen > 0) {
            log.info("training.freeze_d: " + FrozenBlocks.of(nets.discriminator(), frozen).describe());
            if (!cfg.training().initialised()) {
                log.warn("training.freeze_d is " + frozen + " without training.init_from: D's first blocks keep "
                        + "their random initial weights (FreezeD is meant for fine-tuning a trained D)");
            }
        }
    }
}
