package dev.gan.train;

import dev.gan.config.ExperimentConfig;
import dev.gan.data.ImageSet;
import dev.gan.data.MappedPixels;
import dev.gan.system.Backend;

import java.math.BigDecimal;
import java.util.Locale;

/** The lines a run's log opens with: what it trains on, with what, and what the step optimises. */
final class RunLines {
    private RunLines() {
    }

    static String data(ImageSet data) {
        return String.format(Locale.ROOT, "data: %d images %dx%dx%d from %s%s%s", data.count(), data.channels(),
                data.size(), data.size(), data.source(), data.labelled() ? ", " + data.numClasses() + " classes" : "",
                data.store() instanceof MappedPixels ? ", memory-mapped" : "");
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
}
