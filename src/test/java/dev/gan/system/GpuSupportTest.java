package dev.gan.system;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU verdict of the CUDA build (kernels for 3.7, 5.0, 5.2, 6.0, 6.1, 7.0, 7.5, 8.0, 8.6, no PTX; driver >= 510)
 * and what feeds it: nvidia-smi's list, CUDA_VISIBLE_DEVICES, the driver version file, and the one-line refusal.
 */
class GpuSupportTest {
    private static GpuSupport.Verdict cc(int major, int minor) {
        return GpuSupport.verdict(major, minor, "535.104.05", 12020);
    }

    @Test
    void ampereHasItsOwnKernels() {
        assertEquals(new GpuSupport.Verdict(true, "supported: this build has kernels for compute capability 8.6"), cc(8, 6));
    }

    @Test
    void adaRunsTheAmpereKernels() {
        assertEquals(new GpuSupport.Verdict(true, "supported: runs this build's kernels for compute capability 8.6"),
                cc(8, 9));
    }

    @Test
    void hopperAndBlackwellCannotRun() {
        assertEquals(new GpuSupport.Verdict(false, "compute capability 9.0 is newer than this build's kernels (3.7 to "
                + "8.6, no PTX to compile for it): Hopper and later GPUs need an ND4J built for CUDA 11.8 or newer"), cc(9, 0));
        assertFalse(cc(12, 0).supported());
        assertTrue(cc(12, 0).reason().startsWith("compute capability 12.0 is newer than this build's kernels"));
    }

    @Test
    void olderKeplerCannotRun() {
        assertEquals(new GpuSupport.Verdict(false, "compute capability 3.5 is older than this build's oldest kernels "
                + "(3.7)"), cc(3, 5));
        assertTrue(cc(3, 7).supported() && cc(5, 3).supported() && cc(7, 2).supported());
    }

    @Test
    void aDriverOlderThan510CannotRunCuda116() {
        assertEquals(new GpuSupport.Verdict(false, "driver 470.82.01 is older than 510, the oldest that runs CUDA 11.6: "
                + "update the NVIDIA driver"), GpuSupport.verdict(8, 6, "470.82.01", 0));
        assertEquals(new GpuSupport.Verdict(false, "the driver supports CUDA up to 11.4, older than the CUDA 11.6 this "
                + "build needs: update the NVIDIA driver to 510 or newer"), GpuSupport.verdict(8, 6, null, 11040));
        assertTrue(GpuSupport.verdict(8, 6, "510.39.01", 11060).supported());
        assertTrue(GpuSupport.verdict(8, 0, null, 0).supported(), "an unknown driver is not held against the GPU");
    }

    private static final String SMI = """
            0, NVIDIA H100 80GB HBM3, 9.0, 81559, 550.54.15, GPU-11111111-aaaa
            1, NVIDIA A100-SXM4-40GB, 8.0, 40960, 550.54.15, GPU-22222222-bbbb
            """;

    @Test
    void nvidiaSmiListAndCudaVisibleDevices() throws Exception {
        List<NvidiaSmiProbe.Listed> all = NvidiaSmiProbe.parse(SMI);
        Gpu h100 = all.get(0).gpu();
        assertEquals(new Gpu(0, "NVIDIA H100 80GB HBM3", 9, 0, 81559L << 20, "550.54.15", 0, 0), h100);
        assertEquals(2, VisibleDevices.select(all, null).size());
        List<Gpu> one = VisibleDevices.select(all, "1");
        assertEquals(1, one.size());
        assertEquals("NVIDIA A100-SXM4-40GB", one.get(0).name());
        assertEquals(0, one.get(0).index(), "the selected GPUs are renumbered from 0, as CUDA does");
        assertEquals(List.of("NVIDIA A100-SXM4-40GB", "NVIDIA H100 80GB HBM3"),
                VisibleDevices.select(all, "GPU-2222,0").stream().map(Gpu::name).toList());
        assertEquals(List.of(), VisibleDevices.select(all, ""));
        assertEquals(List.of(), VisibleDevices.select(all, "-1"));
        assertEquals(1, VisibleDevices.select(all, "1,7,0").size(), "the list ends at an entry that names no GPU");
        assertThrows(GpuProbe.Unavailable.class, () -> NvidiaSmiProbe.parse("Field \"compute_cap\" is not a valid field"));
    }

    @Test
    void driverVersionFile() {
        assertEquals("535.104.05", DriverVersion.parse("NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  "
                + "Sat Aug 19 01:15:15 UTC 2023\nGCC version:  gcc version 12.2.0"));
        assertEquals("550.54.15", DriverVersion.parse("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  "
                + "550.54.15  Release Build  (dvs-builder@U16-I3-B03-4-3)"));
    }

    /** A CUDA build on a Hopper GPU: one line naming it, its capability, the range and the ways out. */
    @Test
    void theRefusalIsOneLineWithTheWayOut() throws Exception {
        List<Gpu> both = VisibleDevices.select(NvidiaSmiProbe.parse(SMI), null);
        String m = GpuCheck.problem(new Gpus(true, "CUDA runtime", both, null), null).orElseThrow();
        assertEquals("GPU 0 (NVIDIA H100 80GB HBM3, compute capability 9.0) cannot run this build of gan: compute "
                + "capability 9.0 is newer than this build's kernels (3.7 to 8.6, no PTX to compile for it): Hopper and "
                + "later GPUs need an ND4J built for CUDA 11.8 or newer. This build (ND4J 1.0.0-M2.1, CUDA 11.6) runs "
                + "compute capability 3.7 to 8.9; use the CPU build (mvn -B -DskipTests package, no -Pcuda), or a GPU of "
                + "compute capability 3.7 to 8.9 (Kepler K80 to Ada); or select the supported GPUs with "
                + "CUDA_VISIBLE_DEVICES=1", m);
        assertEquals(1, m.lines().count());
        List<Gpu> a100 = VisibleDevices.select(NvidiaSmiProbe.parse(SMI), "1");
        assertTrue(GpuCheck.problem(new Gpus(true, "CUDA runtime", a100, null), "1").isEmpty());
        assertEquals("this is the CUDA build of gan, but it sees no GPU (CUDA_VISIBLE_DEVICES=): run it on a machine "
                        + "with an NVIDIA GPU, or use the CPU build (mvn -B -DskipTests package, no -Pcuda), or a GPU of "
                        + "compute capability 3.7 to 8.9 (Kepler K80 to Ada)",
                GpuCheck.problem(new Gpus(true, "CUDA runtime", List.of(), null), "").orElseThrow());
    }

    /** The CUDA build falls back to nvidia-smi when the runtime cannot load, and keeps the reason. */
    @Test
    void missingCudaLibrariesAreReportedNotHidden() {
        GpuProbe broken = probe("CUDA runtime", null, "the CUDA 11.6 runtime libraries cannot be loaded (no libcudart)");
        GpuProbe smi = probe("nvidia-smi", List.of(new Gpu(0, "NVIDIA A10", 8, 6, 24L << 30, "535.104.05", 0, 0)), null);
        Gpus found = Gpus.discover(true, broken, smi);
        assertEquals("nvidia-smi", found.source());
        assertEquals(1, found.gpus().size());
        assertEquals("this is the CUDA build of gan, but the CUDA 11.6 runtime libraries cannot be loaded (no "
                + "libcudart); install CUDA 11.6 and cuDNN 8, or add the org.bytedeco:cuda redist jar (README \"GPU\")",
                GpuCheck.problem(found, null).orElseThrow());
        Gpus cpu = Gpus.discover(false, broken, probe("nvidia-smi", null, "nvidia-smi is not installed"));
        assertEquals(new Gpus(false, "none", List.of(), null), cpu);
    }

    private static GpuProbe probe(String source, List<Gpu> gpus, String problem) {
        return new GpuProbe() {
            @Override
            public String source() {
                return source;
            }

            @Override
            public List<Gpu> gpus() throws Unavailable {
                if (gpus == null) throw new Unavailable(problem);
                return gpus;
            }
        };
    }
}
