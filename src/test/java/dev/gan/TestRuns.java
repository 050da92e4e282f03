package dev.gan;

import dev.gan.cli.Gan;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the real {@code gan} entry point on tiny configs, capturing what a user would see. */
public final class TestRuns {
    private TestRuns() {
    }

    /** Exit code, standard output and standard error of one {@code gan} invocation. */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    public static Result gan(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Gan.run(o, e, args);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A config small enough to train in seconds: 128 bundled Fashion-MNIST images, batch 16, 8-channel networks,
     * 6 steps; runs go under {@code dir/runs}. Extra YAML is appended as is (top-level keys only).
     */
    public static Path tinyConfig(Path dir, String name, String extraYaml) throws Exception {
        return tinyConfig(dir, name, """
                  images: data/fashion-mnist/t10k-images-idx3-ubyte.gz
                  labels: data/fashion-mnist/t10k-labels-idx1-ubyte.gz
                  limit: 128
                """, extraYaml);
    }

    /** {@link #tinyConfig(Path, String, String)} with another {@code data} section (its keys indented by two). */
    public static Path tinyConfig(Path dir, String name, String dataYaml, String extraYaml) throws Exception {
        String yaml = """
                name: %s
                seed: 7
                data:
                %smodel:
                  latent_size: 16
                  g_width: 8
                  d_width: 8
                training:
                  batch_size: 16
                  steps: 6
                output:
                  runs_dir: %s
                  log_every: 2
                  sample_every: 3
                  checkpoint_every: 3
                  keep_checkpoints: 2
                  grid_size: 4
                """.formatted(name, dataYaml, dir.resolve("runs")) + extraYaml;
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
