package dev.gan.experiment;

import java.nio.file.Files;
import java.nio.file.Path;

/** Sweep plans for tests: the tiny config of {@code TestRuns} inline as the base, sweeps under the test folder. */
final class SweepPlans {
    private SweepPlans() {
    }

    /** Writes {@code dir/<name>.yaml}: name, sweeps_dir and a tiny inline base, then {@code rest} (top-level keys). */
    static Path write(Path dir, String name, String rest) throws Exception {
        String yaml = """
                name: %s
                sweeps_dir: %s
                base:
                  seed: 7
                  data:
                    images: data/fashion-mnist/t10k-images-idx3-ubyte.gz
                    limit: 128
                  model: {latent_size: 16, g_width: 8, d_width: 8}
                  training: {batch_size: 16, steps: 6}
                  output: {log_every: 2, sample_every: 3, checkpoint_every: 3, keep_checkpoints: 2, grid_size: 4}
                """.formatted(name, dir.resolve("sweeps")) + rest;
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
