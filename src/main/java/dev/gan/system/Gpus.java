package dev.gan.system;

import java.util.List;

/**
 * The GPUs of this machine as this build of gan sees them. A CUDA build asks the CUDA runtime (the numbers ND4J
 * will use), and falls back to nvidia-smi when the runtime cannot load, keeping the reason: missing CUDA libraries
 * stop training as surely as an unsupported GPU. The CPU build only asks nvidia-smi, as a hint of what the CUDA
 * build would do here, and never touches a CUDA class.
 *
 * @param cudaBuild true when gan was built with {@code -Pcuda} (the nd4j-cuda backend is on the class path)
 * @param source    what listed the GPUs: "CUDA runtime", "nvidia-smi", or "none"
 * @param gpus      the visible GPUs, CUDA_VISIBLE_DEVICES applied
 * @param problem   why the CUDA runtime could not be asked (null when it answered, or on the CPU build)
 */
public record Gpus(boolean cudaBuild, String source, List<Gpu> gpus, String problem) {
    /** The environment variable that selects GPUs. */
    public static final String VISIBLE = "CUDA_VISIBLE_DEVICES";

    /** True when the nd4j-cuda backend is on the class path; checked without loading it. */
    public static boolean isCudaBuild() {
        try {
            Class.forName("org.nd4j.linalg.jcublas.JCublasBackend", false, Gpus.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    public static Gpus discover() {
        return discover(isCudaBuild(), new CudaRuntimeProbe(), new NvidiaSmiProbe(System.getenv(VISIBLE)));
    }

    static Gpus discover(boolean cudaBuild, GpuProbe runtime, GpuProbe smi) {
        String problem = null;
        if (cudaBuild) {
            try {
                return new Gpus(true, runtime.source(), runtime.gpus(), null);
            } catch (GpuProbe.Unavailable e) {
                problem = e.getMessage();
            }
        }
        try {
            return new Gpus(cudaBuild, smi.source(), smi.gpus(), problem);
        } catch (GpuProbe.Unavailable e) {
            return new Gpus(cudaBuild, "none", List.of(), cudaBuild ? problem + "; " + e.getMessage() : null);
        }
    }
}
