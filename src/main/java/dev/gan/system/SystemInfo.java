package dev.gan.system;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code gan info} reports: the software (gan, Java, the ND4J backend), the CPU and what libnd4j can use of
 * it, the memory limits the launcher set, and the GPUs with a verdict each. Gathered by plain reads (system
 * properties, /proc, the class path, JavaCPP's limits), so it answers at once and never starts ND4J: on a CUDA build
 * with an unsupported GPU, starting ND4J is the crash this report helps to avoid. The CLI prints it.
 *
 * @param ganVersion      gan's version
 * @param java            Java version and VM
 * @param os              operating system and architecture
 * @param backend         ND4J backend artifact (nd4j-native or nd4j-cuda-11.6)
 * @param classifier      the native build in use, e.g. linux-x86_64-onednn
 * @param cpuModel        CPU model name from /proc/cpuinfo (or the architecture)
 * @param cores           processors the JVM may use
 * @param isa             the ISA extensions libnd4j and oneDNN pick kernels by, as /proc/cpuinfo lists them
 * @param ompThreads      OpenMP threads ND4J runs with (OMP_NUM_THREADS, else the cores; the launcher sets it)
 * @param onednnHelpers   DL4J's oneDNN layer helpers are on (the onednn CPU build; see org.nd4j.nativeblas.Nd4jCpu)
 * @param heapMaxBytes    the JVM's maximum heap (-Xmx)
 * @param offHeapMaxBytes JavaCPP's limit on ND4J's off-heap arrays (org.bytedeco.javacpp.maxbytes)
 * @param processMaxBytes JavaCPP's limit on the whole process's memory (org.bytedeco.javacpp.maxphysicalbytes)
 * @param machineBytes    the machine's memory (MemTotal of /proc/meminfo; 0 when unknown)
 * @param gpus            the GPUs and how they were found
 * @param precisionAuto   what training.precision auto picks on this machine for a model the fast engine covers:
 *                        bf16 or fp32
 * @param precisionAutoWhy its kernels (bf16), or why not bf16 (fp32)
 */
public record SystemInfo(String ganVersion, String java, String os, String backend, String classifier,
                         String cpuModel, int cores, List<String> isa, int ompThreads, boolean onednnHelpers,
                         long heapMaxBytes, long offHeapMaxBytes, long processMaxBytes, long machineBytes, Gpus gpus,
                         String precisionAuto, String precisionAutoWhy) {

    /** The flags of /proc/cpuinfo that decide which kernels run (oneDNN dispatches on them at run time). */
    static final List<String> ISA_FLAGS = List.of("sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f",
            "avx512dq", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8",
            "asimd", "sve");

    /**
     * Gathers everything without starting ND4J (loading libnd4j alone takes longer than this whole report): the
     * threads are what ND4J will take (OMP_NUM_THREADS, else the cores), and the oneDNN helpers are on whenever the
     * backend is the onednn build, because {@code dev.gan.system.Backend} always switches them on. What
     * training.precision auto picks ({@code precisionAuto}, {@code precisionAutoWhy}) is the trainer's to say.
     */
    public static SystemInfo gather(String ganVersion, String classifier, Gpus gpus, String precisionAuto,
                                    String precisionAutoWhy) {
        String cpuinfo = read(Path.of("/proc/cpuinfo"));
        return new SystemInfo(ganVersion,
                System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                gpus.cudaBuild() ? "nd4j-cuda-11.6" : "nd4j-native", classifier,
                field(cpuinfo, "model name", System.getProperty("os.arch")),
                Runtime.getRuntime().availableProcessors(), isa(cpuinfo), envThreads(),
                !gpus.cudaBuild() && classifier.contains("onednn"),
                Runtime.getRuntime().maxMemory(), javacpp("maxBytes"), javacpp("maxPhysicalBytes"),
                1024 * number(field(read(Path.of("/proc/meminfo")), "MemTotal", "0")), gpus, precisionAuto,
                precisionAutoWhy);
    }

    /** The flags of {@link #ISA_FLAGS} that do bf16 arithmetic: AVX-512 BF16's dot products, AMX's bf16 tiles. */
    static final List<String> BF16_FLAGS = List.of("avx512_bf16", "amx_bf16");

    /** This machine's flags of {@link #ISA_FLAGS}, from /proc/cpuinfo (empty where there is none). */
    public static List<String> cpuIsa() {
        return isa(read(Path.of("/proc/cpuinfo")));
    }

    /** The flags of {@code isa} that give bf16 arithmetic; empty when the CPU has none. */
    public static List<String> bf16(List<String> isa) {
        return isa.stream().filter(BF16_FLAGS::contains).toList();
    }

    /** The ISA flags of the first processor of a /proc/cpuinfo text that are in {@link #ISA_FLAGS}, in that order. */
    static List<String> isa(String cpuinfo) {
        String flags = field(cpuinfo, "flags", field(cpuinfo, "Features", ""));
        Set<String> have = Set.copyOf(Arrays.asList(flags.split("\\s+")));
        return ISA_FLAGS.stream().filter(have::contains).toList();
    }

    /** The value of the first {@code key : value} line of a /proc file, or {@code fallback}. */
    static String field(String text, String key, String fallback) {
        for (String line : text.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(key)) return line.substring(colon + 1).strip();
        }
        return fallback;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text.replaceAll("[^0-9]", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int envThreads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        try {
            return omp == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(omp.strip());
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** JavaCPP's effective limit (it parses the system property the launcher sets); 0 = none. */
    private static long javacpp(String method) {
        try {
            return (long) Class.forName("org.bytedeco.javacpp.Pointer").getMethod(method).invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return 0;
        }
    }

    /** The report as text, one fact per line. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("gan          " + ganVersion + " (Deeplearning4j 1.0.0-M2.1)");
        out.add("java         " + java);
        out.add("os           " + os);
        out.add("nd4j         " + backend + ", " + classifier);
        out.add("cpu          " + cpuModel + ", " + cores + (cores == 1 ? " core" : " cores"));
        out.add("isa          " + (isa.isEmpty() ? "(none of " + String.join(" ", ISA_FLAGS.subList(0, 7)) + ")" : String.join(" ", isa)));
        List<String> bf16 = bf16(isa);
        out.add("bf16         " + (bf16.isEmpty() ? "no (needs " + String.join(" or ", BF16_FLAGS) + ")"
                : "yes (" + String.join(", ", bf16) + ")"));
        out.add("precision    auto picks " + precisionAuto + " (" + precisionAutoWhy + ")"
                + ("bf16".equals(precisionAuto) ? " where the fast engine covers the model, else fp32" : ""));
        out.add("openmp       " + ompThreads + (ompThreads == 1 ? " thread" : " threads") + " (OMP_NUM_THREADS)");
        out.add("onednn       " + (gpus.cudaBuild() ? "not used (CUDA build: cuDNN instead)"
                : onednnHelpers ? "on (DL4J's oneDNN layer helpers, libnd4j's oneDNN ops)" : "off"));
        out.add("memory       heap max " + size(heapMaxBytes) + " (-Xmx, GAN_JAVA_OPTS), off-heap max "
                + size(offHeapMaxBytes) + " (javacpp.maxbytes, GAN_OFFHEAP), process max " + size(processMaxBytes)
                + " (javacpp.maxphysicalbytes, GAN_MAXRSS), machine " + size(machineBytes));
        String visible = System.getenv(Gpus.VISIBLE);
        String sel = visible == null ? "" : ", " + Gpus.VISIBLE + "=" + visible;
        if (!gpus.cudaBuild()) {
            out.add("gpu          not used: this is the CPU build (mvn -Pcuda builds the CUDA one)"
                    + (gpus.gpus().isEmpty() ? "" : "; nvidia-smi sees the GPUs below, with what the CUDA build would say"));
        } else {
            out.add("gpu          " + gpus.gpus().size() + " visible (" + gpus.source() + sel + ")"
                    + (gpus.problem() == null ? "" : "; CUDA runtime: " + gpus.problem()));
        }
        for (Gpu g : gpus.gpus()) {
            GpuSupport.Verdict v = g.verdict();
            out.add(String.format(Locale.ROOT, "  gpu %d      %s, compute capability %s, %s, driver %s (CUDA %s), "
                            + "runtime %s: %s", g.index(), g.name(), g.computeCapability(), size(g.memoryBytes()),
                    g.driverVersion() == null ? "?" : g.driverVersion(),
                    g.driverCudaVersion() == 0 ? "?" : GpuSupport.cuda(g.driverCudaVersion()),
                    g.runtimeVersion() == 0 ? "?" : GpuSupport.cuda(g.runtimeVersion()),
                    v.supported() ? v.reason() : "NOT SUPPORTED: " + v.reason()));
        }
        return out;
    }

    /** The report for scripts ({@code gan info --json}); sizes in bytes. */
    public ObjectNode json() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("gan_version", ganVersion);
        root.put("dl4j_version", "1.0.0-M2.1");
        root.put("java", java);
        root.put("os", os);
        root.put("nd4j_backend", backend);
        root.put("nd4j_classifier", classifier);
        ObjectNode cpu = root.putObject("cpu");
        cpu.put("model", cpuModel);
        cpu.put("cores", cores);
        isa.forEach(cpu.putArray("isa")::add);
        cpu.put("bf16", !bf16(isa).isEmpty());
        bf16(isa).forEach(cpu.putArray("bf16_isa")::add);
        root.put("precision_auto", precisionAuto);
        root.put("precision_auto_why", precisionAutoWhy);
        root.put("omp_threads", ompThreads);
        root.put("onednn_helpers", onednnHelpers);
        ObjectNode mem = root.putObject("memory");
        mem.put("heap_max_bytes", heapMaxBytes);
        mem.put("offheap_max_bytes", offHeapMaxBytes);
        mem.put("process_max_bytes", processMaxBytes);
        mem.put("machine_bytes", machineBytes);
        ObjectNode gpu = root.putObject("gpu");
        gpu.put("cuda_build", gpus.cudaBuild());
        gpu.put("source", gpus.source());
        if (gpus.problem() == null) gpu.putNull("problem");
        else gpu.put("problem", gpus.problem());
        String visible = System.getenv(Gpus.VISIBLE);
        if (visible == null) gpu.putNull("cuda_visible_devices");
        else gpu.put("cuda_visible_devices", visible);
        var list = gpu.putArray("devices");
        for (Gpu g : gpus.gpus()) {
            ObjectNode n = list.addObject();
            n.put("index", g.index());
            n.put("name", g.name());
            n.put("compute_capability", g.computeCapability());
            n.put("memory_bytes", g.memoryBytes());
            if (g.driverVersion() == null) n.putNull("driver_version");
            else n.put("driver_version", g.driverVersion());
            n.put("driver_cuda_version", g.driverCudaVersion() == 0 ? null : GpuSupport.cuda(g.driverCudaVersion()));
            n.put("runtime_cuda_version", g.runtimeVersion() == 0 ? null : GpuSupport.cuda(g.runtimeVersion()));
            n.put("supported", g.verdict().supported());
            n.put("verdict", g.verdict().reason());
        }
        return root;
    }

    static String size(long bytes) {
        if (bytes <= 0) return "?";
        double gib = bytes / (double) (1L << 30);
        return gib >= 1 ? String.format(Locale.ROOT, "%.1f GiB", gib)
                : String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }
}
