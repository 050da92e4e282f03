package dev.gan.train;

import dev.gan.UserException;
import dev.gan.config.ExperimentConfig;
import dev.gan.config.TrainingConfig;
import dev.gan.model.GanShape;
import dev.gan.step.AugmentProbability;
import dev.gan.step.DiffAugment;
import dev.gan.step.Dl4jStep;
import dev.gan.step.FrozenBlocks;
import dev.gan.step.Objective;
import dev.gan.step.Stabilisers;
import dev.gan.step.TrainingStep;
import dev.gan.step.fast.FastStep;
import dev.gan.step.fast.NotCovered;
import dev.gan.step.fast.Precision;
import dev.gan.step.fast.dnnl.Dnnl;
import dev.gan.system.SystemInfo;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.List;

/**
 * training.engine: which {@link TrainingStep} trains a pair of networks. {@code auto} takes the fast engine when it
 * covers every layer of both graphs and DL4J's own layers otherwise, so a model the fast engine does not know
 * (dropout, a SameDiff layer, ...) still trains, only slower; {@code fast} insists and says what is missing.
 * training.precision bf16 runs on the fast engine only, and stops with one line where it cannot run as asked;
 * training.precision auto never stops for lack of bf16: it runs fp32 and says why.
 */
public final class Engines {
    public static final String AUTO = "auto";
    public static final String DL4J = Dl4jStep.NAME;
    public static final String FAST = FastStep.NAME;

    private Engines() {
    }

    /**
     * The step that trains these networks under {@code cfg}'s training.engine, and the precision it runs in.
     *
     * @param note      why auto did not take the fast engine, or null
     * @param precision what the convolutions multiply in: training.precision, or what auto picked
     * @param auto      training.precision auto's choice and why, or null when the config names the precision
     */
    public record Selected(TrainingStep step, String note, Precision precision, AutoPrecision auto) {
        /**
         * The engine's name, with the note when there is one, and the precision when it is not fp32: for logs and
         * --dry-run, e.g. "fast, precision bf16 (oneDNN 2.5.2, avx512_core_bf16 convolutions; ...)".
         */
        public String describe() {
            return step.engine() + (note == null ? "" : " (" + note + ")")
                    + (precision == Precision.FP32 ? "" : ", precision " + precision.describe());
        }

        /**
         * {@code cfg} as this step runs it: training.precision auto replaced by what it picked. config.yaml and the
         * checkpoints record this, so that a resume runs in the precision the run started in, wherever it resumes.
         */
        public ExperimentConfig recorded(ExperimentConfig cfg) {
            if (precision.key().equals(cfg.training().precision())) return cfg;
            return cfg.withTraining(cfg.training().withPrecision(precision.key()));
        }
    }

    /**
     * The step for these networks under {@code cfg}'s training.engine; a user error if fast cannot run them. Both
     * engines take the run's {@code objective} (training.loss, R1: the one its listeners read), the same spectral norm
     * and EMA ({@code s}) and the same augmentation, whose probability is {@code p} (the run's, which adaptive
     * augmentation moves and checkpoints save). training.precision auto picks bf16 or fp32 here ({@link AutoPrecision}).
     */
    public static Selected create(ExperimentConfig cfg, GanShape shape, ComputationGraph g, ComputationGraph d,
                                  Stabilisers s, AugmentProbability p, Objective objective) {
        String engine = cfg.training().engine();
        boolean auto = TrainingConfig.AUTO.equals(cfg.training().precision());
        List<String> bf16Isa = SystemInfo.bf16(SystemInfo.cpuIsa());
        AutoPrecision chosen = auto ? AutoPrecision.of(bf16Isa, engine, Dnnl::bf16Isa, null) : null;
        Precision precision = auto ? chosen.precision() : Precision.of(cfg.training().precision());
        if (!auto && precision == Precision.BF16) {
            requireBf16(bf16Isa);
            requireBf16Kernels();
        }
        DiffAugment augment = DiffAugment.of(cfg.training().augment(), p);
        FrozenBlocks frozen = FrozenBlocks.of(d, cfg.training().freezeD());
        s.discriminatorNorm().hold(frozen.layers());
        String note = null;
        if (!DL4J.equals(engine)) {
            try {
                TrainingStep fast = new FastStep(g, d, shape, objective, augment, s.generatorNorm(),
                        s.discriminatorNorm(), frozen, precision);
                return new Selected(s.wrap(fast, g), null, precision, chosen);
            } catch (NotCovered e) {
                if (FAST.equals(engine)) {
                    throw new UserException("training.engine is fast, but it does not cover " + e.getMessage()
                            + "; set training.engine to auto (falls back to dl4j) or dl4j");
                }
                if (auto) {
                    chosen = AutoPrecision.of(bf16Isa, engine, Dnnl::bf16Isa, e.getMessage());
                } else if (precision == Precision.BF16) {
                    // auto would fall back to DL4J's layers, which cannot run bf16 convolutions: say so, never run fp32
                    throw new UserException("training.precision is bf16, which needs the fast engine, but it does not "
                            + "cover " + e.getMessage() + "; set training.precision to fp32");
                }
                note = "training.engine auto: the fast engine does not cover " + e.getMessage();
            }
        }
        return new Selected(s.wrap(new Dl4jStep(g, d, shape, objective, augment, s.generatorNorm(),
                s.discriminatorNorm(), frozen), g), note, Precision.FP32, chosen);
    }

    /**
     * Stops a bf16 run on a CPU without bf16 arithmetic ({@code bf16Isa}: its avx512_bf16 / amx_bf16 flags): oneDNN
     * would emulate bf16 there, slower than fp32, and the run should not quietly become that.
     */
    static void requireBf16(List<String> bf16Isa) {
        if (bf16Isa.isEmpty()) {
            throw new UserException("training.precision is bf16, but this CPU has no bf16 arithmetic (neither "
                    + "avx512_bf16 nor amx_bf16 in /proc/cpuinfo); set training.precision to fp32");
        }
    }

    /** Stops a bf16 run where oneDNN would not dispatch to bf16 instructions. */
    private static void requireBf16Kernels() {
        if (Dnnl.bf16Isa() == null) {
            throw new UserException("training.precision is bf16, but " + Dnnl.version() + " does not use this CPU's "
                    + "bf16 instructions (is ONEDNN_MAX_CPU_ISA or DNNL_MAX_CPU_ISA set below avx512_core_bf16?); "
                    + "set training.precision to fp32");
        }
    }
}
