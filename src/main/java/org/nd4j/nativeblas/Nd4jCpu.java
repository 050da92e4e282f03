package org.nd4j.nativeblas;

/**
 * Switches on DL4J 1.0.0-M2.1's oneDNN layer helpers. DL4J's {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up this
 * class name and {@code Environment.getInstance().isUseMKLDNN()} by reflection, but nd4j-native M2.1 renamed its
 * bindings to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment#isUseONEDNN()}, so the lookup always
 * fails and convolutions and BatchNorm run as slow Java-side ops. With this class present (and
 * {@code org.eclipse.deeplearning4j.helpers.disable=false}, set by {@code dev.gan.system.Backend}) they run through
 * oneDNN, numerically equal within 1e-6 and 2-3x faster (shared/PERF-NOTES.md section 1).
 *
 * <p>It delegates by reflection so that the project also compiles against the CUDA backend, where the CPU bindings
 * are absent and this class answers false. Remove it once a DL4J release fixes the lookup.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private static final Object CPU_ENV = cpuEnvironment();

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            if (CPU_ENV == null) return false;
            try {
                return (Boolean) CPU_ENV.getClass().getMethod("isUseONEDNN").invoke(CPU_ENV);
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }

        private static Object cpuEnvironment() {
            try {
                Class<?> c = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                return c.getMethod("getInstance").invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                return null;
            }
        }
    }
}
