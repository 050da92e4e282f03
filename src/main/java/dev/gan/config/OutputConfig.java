package dev.gan.config;

/**
 * What a run writes, and how often (in generator steps).
 *
 * @param runsDir         folder that holds run directories
 * @param logEvery        console line and metrics.csv row every N steps
 * @param sampleEvery     sample grid from the fixed noise every N steps (also at step 0 and at the end)
 * @param checkpointEvery checkpoint every N steps (also at the end)
 * @param keepCheckpoints how many of the latest checkpoints to keep
 * @param gridSize        sample grids are grid_size x grid_size images
 */
public record OutputConfig(String runsDir, int logEvery, int sampleEvery, int checkpointEvery, int keepCheckpoints,
                           int gridSize) {

    public static OutputConfig defaults() {
        return new OutputConfig("runs", 50, 250, 500, 3, 8);
    }

    void validate(String at, Problems p) {
        p.check(runsDir != null && !runsDir.isBlank(), at + ".runs_dir", "must name a folder", runsDir);
        p.check(logEvery >= 1, at + ".log_every", "must be >= 1", logEvery);
        p.check(sampleEvery >= 1, at + ".sample_every", "must be >= 1", sampleEvery);
        p.check(checkpointEvery >= 1, at + ".checkpoint_every", "must be >= 1", checkpointEvery);
        p.check(keepCheckpoints >= 1, at + ".keep_checkpoints", "must be >= 1", keepCheckpoints);
        p.check(gridSize >= 1 && gridSize <= 32, at + ".grid_size", "must be between 1 and 32", gridSize);
    }
}
