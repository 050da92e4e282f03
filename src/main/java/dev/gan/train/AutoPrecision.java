package dev.gan.train;

import dev.gan.step.fast.Precision;
import dev.gan.step.fast.dnnl.Dnnl;
import dev.gan.system.SystemInfo;

import java.util.List;
import java.util.function.Supplier;

/**
 * training.precision auto: bf16 where it is real arithmetic and the fast engine runs the model, fp32 everywhere
 * else, so that a shipped config can ask for bf16 and still run on every CPU (StyleGAN2-ADA turns on mixed precision
 * the same way). A run decides once, when it starts, and records the answer in its config.yaml and checkpoints: a
 * resume repeats the choice rather than making it again on another machine.
 *
 * @param precision what the convolutions multiply in
 * @param fp32Why   why auto did not take bf16, or null when it did
 */
public record AutoPrecision(Precision precision, String fp32Why) {

    /**
     * What auto picks, from the facts in the order they cost to learn: this CPU's bf16 flags ({@code bf16Isa}, as
     * {@link dev.gan.system.SystemInfo#bf16} gives them), training.engine ({@code engine}), the bf16 instruction set
     * oneDNN dispatches to ({@code oneDnnBf16Isa}, asked only when needed: it loads oneDNN; null when it would only
     * emulate bf16) and what the fast engine does not cover ({@code notCovered}, null when it covers both networks).
     */
    public static AutoPrecision of(List<String> bf16Isa, String engine, Supplier<String> oneDnnBf16Isa,
                                   String notCovered) {
        if (bf16Isa.isEmpty()) {
            return fp32("this CPU has no bf16 arithmetic: neither avx512_bf16 nor amx_bf16 in /proc/cpuinfo");
        }
        if (Engines.DL4J.equals(engine)) return fp32("training.engine is dl4j, and bf16 runs on the fast engine");
        if (oneDnnBf16Isa.get() == null) {
            return fp32("oneDNN does not use this CPU's bf16 instructions: is ONEDNN_MAX_CPU_ISA or DNNL_MAX_CPU_ISA "
                    + "set below avx512_core_bf16?");
        }
        if (notCovered != null) return fp32("the fast engine does not cover " + notCovered);
        return new AutoPrecision(Precision.BF16, null);
    }

    private static AutoPrecision fp32(String why) {
        return new AutoPrecision(Precision.FP32, why);
    }

    /**
     * What this machine's auto picks for a model the fast engine covers under training.engine auto (gan info's
     * answer): CPU flags and oneDNN only.
     */
    public static AutoPrecision onThisMachine() {
        return of(SystemInfo.bf16(SystemInfo.cpuIsa()), Engines.AUTO, Dnnl::bf16Isa, null);
    }

    /** For bf16 its kernels ({@link Precision#bf16Kernels}, which loads oneDNN); for fp32 why not bf16. */
    public String why() {
        return precision == Precision.BF16 ? Precision.bf16Kernels() : fp32Why;
    }

    /**
     * The run's log line: "precision auto: bf16 (oneDNN 2.5.2, avx512_core_bf16 convolutions; ...)" or "precision
     * auto: fp32 (this CPU has no bf16 arithmetic: ...)".
     */
    public String line() {
        return "precision auto: " + precision.key() + " (" + why() + ")";
    }
}
