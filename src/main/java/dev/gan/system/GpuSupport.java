package dev.gan.system;

import java.util.List;
import java.util.Locale;

/**
 * Which NVIDIA GPUs the CUDA build of gan can run on, as a pure function of the GPU's compute capability and the
 * driver. The facts come from the nd4j-cuda-11.6 1.0.0-M2.1 jar itself (shared/DL4J-NOTES.md section 8): libnd4j
 * carries compiled kernels (cubins) for compute capability 3.7, 5.0, 5.2, 6.0, 6.1, 7.0, 7.5, 8.0 and 8.6 and no PTX,
 * so nothing can be compiled for a newer GPU at run time. NVIDIA's rule for cubins: code for X.y runs on X.z when
 * z >= y. So Kepler K80 to Ampere run, Ada (8.9) runs the 8.6 code, and Hopper (9.0) and later cannot run at all:
 * every libnd4j kernel would fail with "no kernel image is available for execution on the device".
 */
public final class GpuSupport {
    /** Compute capabilities libnd4j has kernels for, {major, minor}. */
    public static final List<int[]> KERNELS = List.of(new int[]{3, 7}, new int[]{5, 0}, new int[]{5, 2},
            new int[]{6, 0}, new int[]{6, 1}, new int[]{7, 0}, new int[]{7, 5}, new int[]{8, 0}, new int[]{8, 6});
    /** CUDA 11.6 needs an NVIDIA driver of this branch or newer (Linux 510.39.01). */
    public static final int MIN_DRIVER = 510;
    /** The CUDA version (as CUDA reports it, 1000 * major + 10 * minor) the ND4J build is compiled against. */
    public static final int CUDA_VERSION = 11060;
    /** What a user with an unsupported GPU can do, for messages. */
    public static final String WAY_OUT = "use the CPU build (mvn -B -DskipTests package, no -Pcuda), or a GPU of "
            + "compute capability 3.7 to 8.9 (Kepler K80 to Ada)";

    private GpuSupport() {
    }

    /**
     * Whether the GPU can run this build, and why.
     *
     * @param supported true when training can run on it
     * @param reason    one phrase: which kernels it runs, or what stops it and what would fix it
     */
    public record Verdict(boolean supported, String reason) {
    }

    /**
     * The verdict for a GPU of compute capability {@code major.minor}. {@code driverVersion} is the NVIDIA driver's
     * version ("535.104.05") and {@code driverCudaVersion} the newest CUDA the driver supports (12020 for 12.2);
     * either may be unknown (null, 0) and is then not held against the GPU.
     */
    public static Verdict verdict(int major, int minor, String driverVersion, int driverCudaVersion) {
        int driverBranch = branch(driverVersion);
        if (driverBranch > 0 && driverBranch < MIN_DRIVER) {
            return new Verdict(false, "driver " + driverVersion + " is older than " + MIN_DRIVER + ", the oldest "
                    + "that runs CUDA 11.6: update the NVIDIA driver");
        }
        if (driverCudaVersion > 0 && driverCudaVersion < CUDA_VERSION) {
            return new Verdict(false, "the driver supports CUDA up to " + cuda(driverCudaVersion) + ", older than "
                    + "the CUDA 11.6 this build needs: update the NVIDIA driver to " + MIN_DRIVER + " or newer");
        }
        int[] best = null;
        for (int[] k : KERNELS) {
            if (k[0] == major && k[1] <= minor) best = k;
        }
        String cc = major + "." + minor;
        if (best != null) {
            return new Verdict(true, best[1] == minor && best[0] == major
                    ? "supported: this build has kernels for compute capability " + cc
                    : "supported: runs this build's kernels for compute capability " + best[0] + "." + best[1]);
        }
        int[] newest = KERNELS.get(KERNELS.size() - 1);
        if (major > newest[0]) {
            return new Verdict(false, "compute capability " + cc + " is newer than this build's kernels (3.7 to 8.6, "
                    + "no PTX to compile for it): Hopper and later GPUs need an ND4J built for CUDA 11.8 or newer");
        }
        return new Verdict(false, "compute capability " + cc + " is older than this build's oldest kernels (3.7)");
    }

    /** 11060 -> "11.6". */
    public static String cuda(int version) {
        return String.format(Locale.ROOT, "%d.%d", version / 1000, (version % 1000) / 10);
    }

    /** "535.104.05" -> 535; 0 when unknown. */
    static int branch(String driverVersion) {
        if (driverVersion == null) return 0;
        String head = driverVersion.strip().split("\\.")[0];
        try {
            return Integer.parseInt(head);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
