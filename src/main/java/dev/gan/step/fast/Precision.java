package dev.gan.step.fast;

import dev.gan.step.fast.dnnl.Dnnl;

/**
 * training.precision in the fast engine: what its convolutions multiply in. Everything else - dense layers,
 * BatchNorm, activations, losses, the weights themselves and Adam's state - is float32 in both.
 */
public enum Precision {
    /** float32 throughout, the convolutions too ({@link DnnlConvStage} in float32). */
    FP32,
    /** Convolutions and deconvolutions on bf16 copies of their inputs, in oneDNN 2.5 ({@link DnnlConvStage}). */
    BF16;

    /** The value as training.precision spells it: fp32 or bf16. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The precision training.precision names (fp32 or bf16; the config loader has checked it). */
    public static Precision of(String key) {
        return valueOf(key.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * What a run's log says of it: "fp32", or for bf16 which library and instructions run the convolutions, e.g.
     * "bf16 (oneDNN 2.5.2, avx512_core_bf16 convolutions; fp32 master weights, BatchNorm and Adam)". For bf16 this
     * loads oneDNN.
     */
    public String describe() {
        return this == FP32 ? key() : key() + " (" + bf16Kernels() + ")";
    }

    /**
     * What runs bf16's convolutions, e.g. "oneDNN 2.5.2, avx512_core_bf16 convolutions; fp32 master weights,
     * BatchNorm and Adam". Loads oneDNN.
     */
    public static String bf16Kernels() {
        return Dnnl.version() + ", " + Dnnl.bf16Isa() + " convolutions; fp32 master weights, BatchNorm and Adam";
    }
}
