package dev.gan.system;

import org.bytedeco.javacpp.BytePointer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists GPUs through the CUDA runtime that the cuda build brings ({@code org.bytedeco:cuda}'s {@code cudart}
 * bindings), by reflection so that this class compiles and loads without them. The runtime applies
 * {@code CUDA_VISIBLE_DEVICES} itself, and its device numbers are the ones ND4J uses.
 */
final class CudaRuntimeProbe implements GpuProbe {
    /** cudaErrorNoDevice: the runtime loaded and sees no GPU (or CUDA_VISIBLE_DEVICES hides them all). */
    private static final int NO_DEVICE = 100;

    @Override
    public String source() {
        return "CUDA runtime";
    }

    @Override
    public List<Gpu> gpus() throws Unavailable {
        try {
            Class<?> cudart = Class.forName("org.bytedeco.cuda.global.cudart");
            Class<?> propType = Class.forName("org.bytedeco.cuda.cudart.cudaDeviceProp");
            int driverCuda = intOut(cudart, "cudaDriverGetVersion");
            int runtime = intOut(cudart, "cudaRuntimeGetVersion");
            int[] count = new int[1];
            int rc = (int) cudart.getMethod("cudaGetDeviceCount", int[].class).invoke(null, (Object) count);
            if (rc == NO_DEVICE) return List.of();
            if (rc != 0) throw new Unavailable("cudaGetDeviceCount failed: " + error(cudart, rc));
            String driver = DriverVersion.read();
            Method props = cudart.getMethod("cudaGetDeviceProperties", propType, int.class);
            List<Gpu> gpus = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                Object p = propType.getConstructor().newInstance();
                rc = (int) props.invoke(null, p, i);
                if (rc != 0) throw new Unavailable("cudaGetDeviceProperties(" + i + ") failed: " + error(cudart, rc));
                String name = ((BytePointer) propType.getMethod("name").invoke(p)).getString();
                gpus.add(new Gpu(i, name, (int) propType.getMethod("major").invoke(p),
                        (int) propType.getMethod("minor").invoke(p), (long) propType.getMethod("totalGlobalMem").invoke(p),
                        driver, driverCuda, runtime));
            }
            return gpus;
        } catch (ClassNotFoundException e) {
            throw new Unavailable("the CUDA bindings are not on the class path (this is not a -Pcuda build)");
        } catch (LinkageError e) {
            // JavaCPP's message goes on to list java.library.path: long, and not where the CUDA libraries are looked for
            String why = String.valueOf(e.getMessage()).replaceFirst(" in java\\.library\\.path.*", "");
            throw new Unavailable("the CUDA 11.6 runtime libraries cannot be loaded (" + why + ")");
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new Unavailable("the CUDA runtime failed: " + cause);
        } catch (ReflectiveOperationException e) {
            throw new Unavailable("the CUDA bindings do not have the expected API: " + e);
        }
    }

    private static int intOut(Class<?> cudart, String method) throws ReflectiveOperationException {
        int[] out = new int[1];
        int rc = (int) cudart.getMethod(method, int[].class).invoke(null, (Object) out);
        return rc == 0 ? out[0] : 0;
    }

    private static String error(Class<?> cudart, int rc) throws ReflectiveOperationException {
        return ((BytePointer) cudart.getMethod("cudaGetErrorString", int.class).invoke(null, rc)).getString()
                + " (error " + rc + ")";
    }
}
