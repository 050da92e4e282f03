package dev.gan.system;

/**
 * One GPU as the CUDA runtime (or nvidia-smi) reports it.
 *
 * @param index             its index among the visible GPUs (what CUDA and ND4J call device N)
 * @param name              the product name, e.g. NVIDIA A100-SXM4-40GB
 * @param major             compute capability, major part
 * @param minor             compute capability, minor part
 * @param memoryBytes       total memory, bytes (0 when unknown)
 * @param driverVersion     NVIDIA driver version, e.g. 535.104.05 (null when unknown)
 * @param driverCudaVersion newest CUDA the driver supports, 1000 * major + 10 * minor (0 when unknown)
 * @param runtimeVersion    CUDA runtime version gan loaded, same encoding (0 when it could not be loaded)
 */
public record Gpu(int index, String name, int major, int minor, long memoryBytes, String driverVersion,
                  int driverCudaVersion, int runtimeVersion) {

    /** "8.6". */
    public String computeCapability() {
        return major + "." + minor;
    }

    public GpuSupport.Verdict verdict() {
        return GpuSupport.verdict(major, minor, driverVersion, driverCudaVersion);
    }
}
