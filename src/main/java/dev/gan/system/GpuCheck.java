package dev.gan.system;

import dev.gan.UserException;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The check a CUDA build makes before ND4J starts (training, sampling, evaluating, benchmarking): on a GPU this
 * ND4J build cannot run, ND4J would fail deep inside its first kernel with a stack trace; here the user gets one line
 * naming the GPU, its compute capability, the supported range and the way out (exit code 2). The CPU build skips it.
 */
public final class GpuCheck {
    private GpuCheck() {
    }

    /** Throws a {@link UserException} unless every visible GPU can run this build; a no-op on the CPU build. */
    public static void requireSupported() {
        if (!Gpus.isCudaBuild()) return;
        problem(Gpus.discover(), System.getenv(Gpus.VISIBLE)).ifPresent(m -> {
            throw new UserException(m);
        });
    }

    /** The one-line problem with these GPUs for a CUDA build, if any. */
    static java.util.Optional<String> problem(Gpus found, String visibleEnv) {
        String selection = visibleEnv == null ? "" : " (" + Gpus.VISIBLE + "=" + visibleEnv + ")";
        if (found.problem() != null && found.source().equals("none")) {
            return java.util.Optional.of("this is the CUDA build of gan, but " + found.problem() + "; install the "
                    + "NVIDIA driver (>= " + GpuSupport.MIN_DRIVER + "), CUDA 11.6 and cuDNN 8, or add the "
                    + "org.bytedeco:cuda redist jar (README \"GPU\"), or " + GpuSupport.WAY_OUT);
        }
        if (found.gpus().isEmpty()) {
            return java.util.Optional.of("this is the CUDA build of gan, but it sees no GPU" + selection + ": "
                    + GpuSupport.WAY_OUT.replaceFirst("^use", "run it on a machine with an NVIDIA GPU, or use"));
        }
        List<Gpu> bad = found.gpus().stream().filter(g -> !g.verdict().supported()).toList();
        if (bad.isEmpty()) {
            if (found.problem() != null) {
                return java.util.Optional.of("this is the CUDA build of gan, but " + found.problem() + "; install "
                        + "CUDA 11.6 and cuDNN 8, or add the org.bytedeco:cuda redist jar (README \"GPU\")");
            }
            return java.util.Optional.empty();
        }
        Gpu g = bad.get(0);
        List<Gpu> good = found.gpus().stream().filter(x -> x.verdict().supported()).toList();
        String pick = good.isEmpty() ? "" : "; or select the supported GPUs with " + Gpus.VISIBLE + "="
                + good.stream().map(x -> physical(x.index(), visibleEnv)).collect(Collectors.joining(","));
        return java.util.Optional.of(String.format(Locale.ROOT, "GPU %d (%s, compute capability %s)%s cannot run "
                        + "this build of gan: %s. This build (ND4J 1.0.0-M2.1, CUDA 11.6) runs compute capability 3.7 "
                        + "to 8.9; %s%s", g.index(), g.name(), g.computeCapability(), selection,
                g.verdict().reason(), GpuSupport.WAY_OUT, pick));
    }

    /** The CUDA_VISIBLE_DEVICES entry that names visible device {@code index}. */
    private static String physical(int index, String visibleEnv) {
        if (visibleEnv == null) return Integer.toString(index);
        String[] entries = visibleEnv.split(",");
        return index < entries.length ? entries[index].strip() : Integer.toString(index);
    }
}
