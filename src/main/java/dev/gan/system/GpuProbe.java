package dev.gan.system;

import java.util.List;

/**
 * A way of listing the GPUs this process can see. Behind an interface so that the CPU build never loads a CUDA
 * class: the CUDA runtime probe reaches the JavaCPP CUDA bindings (only on the class path of {@code mvn -Pcuda}) by
 * reflection, and nvidia-smi is a separate program.
 */
public interface GpuProbe {
    /** What this probe is, for {@code gan info} ("CUDA runtime", "nvidia-smi"). */
    String source();

    /** The GPUs CUDA would show this process ({@code CUDA_VISIBLE_DEVICES} applied), in CUDA's order. */
    List<Gpu> gpus() throws Unavailable;

    /** The probe cannot run here (no CUDA libraries, no nvidia-smi); the message says why. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }
}
