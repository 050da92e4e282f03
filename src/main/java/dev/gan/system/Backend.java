package dev.gan.system;

import dev.gan.system.GpuCheck;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets up ND4J once per JVM before any network is built: float32, DL4J's oneDNN layer helpers on (with the
 * {@code org.nd4j.nativeblas.Nd4jCpu} shim), and OpenBLAS kept from spinning on a core that oneDNN's OpenMP threads
 * need (shared/PERF-NOTES.md section 3: the dense layers' gemm is small, one BLAS thread is enough).
 */
public final class Backend {
    private static String description;

    private Backend() {
    }

    /** Initialises ND4J (idempotent) and returns a one-line description for logs and benchmarks. */
    public static synchronized String init() {
        if (description != null) return description;
        // a CUDA build on a GPU it cannot run would fail inside ND4J's first kernel: say so first, in one line
        GpuCheck.requireSupported();
        // read by DL4J when each layer is constructed, so before any graph is built
        System.setProperty("org.eclipse.deeplearning4j.helpers.disable", "false");
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        boolean cpu = backend.toLowerCase().contains("cpu");
        if (cpu) Nd4j.factory().blas().setMaxThreads(1);
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        description = "backend=" + classifier() + " threads=" + threads;
        return description;
    }

    /** {@link #classifier()} from the class path alone, without starting ND4J ("unknown" when not found). */
    public static String classifierWithoutStarting() {
        String found = fromClassPath();
        return found != null ? found : "unknown";
    }

    /** The native build in use, e.g. linux-x86_64-onednn: the classifier jar that carries the JNI library. */
    public static String classifier() {
        String found = fromClassPath();
        return found != null ? found : Nd4j.getBackend().getClass().getSimpleName();
    }

    private static String fromClassPath() {
        String[] builds = {"linux-x86_64-onednn-avx512", "linux-x86_64-onednn-avx2", "linux-x86_64-onednn",
                "linux-x86_64-avx512", "linux-x86_64-avx2", "linux-x86_64-compat", "linux-x86_64-cudnn", "linux-x86_64"};
        ClassLoader cl = Backend.class.getClassLoader();
        for (String lib : new String[]{"jnind4jcpu", "jnind4jcuda"}) {
            for (String b : builds) {
                if (cl.getResource("META-INF/native-image/" + b + "/" + lib + "/") != null) {
                    return (lib.endsWith("cuda") ? "cuda-" : "") + b;
                }
            }
        }
        return null;
    }
}
