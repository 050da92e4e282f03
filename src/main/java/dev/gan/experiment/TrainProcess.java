package dev.gan.experiment;

import dev.gan.io.TextFiles;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a sweep trains one run: {@code gan train --config <run>/config.yaml --run-dir <run>} in a child JVM with the
 * same java, JVM options and class path as this one. A process per run keeps runs apart (a crash, ND4J's native
 * memory, a shutdown hook) and lets several run at once.
 */
final class TrainProcess {
    static final String MAIN = "dev.gan.Main";
    static final String CONSOLE = "console.txt";

    private TrainProcess() {
    }

    /**
     * The process for one run; its standard output and error are appended to {@code <run>/console.txt}, and it gets
     * {@code threads} OpenMP threads for ND4J.
     */
    static ProcessBuilder builder(Path runDir, int threads) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp")) cmd.add(arg);   // a debugger port can be bound only once
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN, "train",
                "--config", runDir.resolve("config.yaml").toString(), "--run-dir", runDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.resolve(CONSOLE).toFile()));
        return pb;
    }

    /**
     * OpenMP threads per run: the cores (or OMP_NUM_THREADS, when set, as the budget of the whole sweep) shared
     * evenly by the runs that go at once, at least one each.
     */
    static int threadsPerRun(int parallel) {
        int budget = Runtime.getRuntime().availableProcessors();
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null && omp.matches("\\d+") && Integer.parseInt(omp) > 0) budget = Integer.parseInt(omp);
        return Math.max(1, budget / parallel);
    }

    /** Adds a line of gan sweep's own to a run's console.txt, after what the training process wrote there. */
    static void appendConsole(Path runDir, String line) {
        TextFiles.appendLine(runDir.resolve(CONSOLE), line);
    }
}
