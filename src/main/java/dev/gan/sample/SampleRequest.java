package dev.gan.sample;

import dev.gan.UserException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code gan sample} was asked for, as typed; {@link #check()} rejects what makes no sense before a checkpoint
 * is even opened. Null means "not given".
 *
 * @param checkpoint  checkpoint file or run directory
 * @param grid        {@code ROWSxCOLS} or {@code N}
 * @param count       {@code --samples}: single images (per seed), or a DCGAN export's size
 * @param perClass    images per class of a CGAN export
 * @param seeds       one seed; several for single images (one set per seed) or with {@code interpolate}
 * @param classSpec   {@code NAME}, {@code INDEX} or {@code all}
 * @param out         output folder
 * @param batchSize   images generated at a time (bounds memory)
 * @param interpolate images per step between two seeds, ends included
 * @param export      dataset export format
 * @param overwrite   replace files this command writes
 * @param raw         sample the trained generator even when the checkpoint has an EMA generator
 */
public record SampleRequest(Path checkpoint, String grid, Integer count, Integer perClass, List<Long> seeds,
                            String classSpec, Path out, int batchSize, Integer interpolate, DatasetExport.Format export,
                            boolean overwrite, boolean raw) {
    /** Without --seeds: fixed, so that the same command always gives the same images. */
    public static final long DEFAULT_SEED = SeedList.DEFAULT;
    /** Default grid columns (and rows for a DCGAN or a single class). */
    public static final int DEFAULT_GRID = 8;
    public static final int MAX_GRID = 64, MAX_INTERPOLATE = 256, MAX_BATCH = 4096;

    public enum Mode { GRID, COUNT, INTERPOLATE, EXPORT }

    /** The output asked for, after checking that only one was. */
    public Mode check() {
        List<String> outputs = new ArrayList<>();
        if (grid != null) outputs.add("--grid");
        if (count != null && export == null) outputs.add("--samples");
        if (interpolate != null) outputs.add("--interpolate");
        if (export != null) outputs.add("--export");
        if (outputs.size() > 1) {
            throw new UserException("gan sample: choose one output: --grid, --samples, --interpolate or --export (got "
                    + String.join(" and ", outputs) + ")");
        }
        if (perClass != null && export == null) {
            throw new UserException("--per-class " + perClass + ": goes with --export (images per class of a CGAN "
                    + "dataset); for single images use --samples");
        }
        if (count != null && count < 1) throw new UserException("--samples " + count + ": must be at least 1");
        if (perClass != null && perClass < 1) throw new UserException("--per-class " + perClass + ": must be at least 1");
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new UserException("--batch-size " + batchSize + ": must be between 1 and " + MAX_BATCH);
        }
        Mode mode = export != null ? Mode.EXPORT : interpolate != null ? Mode.INTERPOLATE
                : count != null || (grid == null && severalSeeds()) ? Mode.COUNT : Mode.GRID;
        if (mode == Mode.INTERPOLATE) {
            if (interpolate < 2 || interpolate > MAX_INTERPOLATE) {
                throw new UserException("--interpolate " + interpolate + ": images per step between two seeds must be "
                        + "between 2 and " + MAX_INTERPOLATE + " (ends included)");
            }
            if (seeds == null || seeds.size() < 2) {
                throw new UserException("--interpolate " + interpolate + ": give two or more seeds to walk between, "
                        + "e.g. --seeds 1,2,3");
            }
        } else if (mode != Mode.COUNT && severalSeeds()) {
            throw new UserException("--seeds " + brief(seeds) + ": " + (mode == Mode.GRID ? "a grid" : "an export")
                    + " takes one seed; several seeds go with single images (--samples N per seed, 1 by default) "
                    + "or --interpolate");
        }
        return mode;
    }

    private boolean severalSeeds() {
        return seeds != null && seeds.size() > 1;
    }

    /** The seeds of a single-images output: the ones given, or the default. */
    public List<Long> seedsOrDefault() {
        return seeds == null || seeds.isEmpty() ? List.of(DEFAULT_SEED) : seeds;
    }

    /** Single images per seed: {@code --samples}, or one per seed when only seeds were given. */
    public long perSeed() {
        return count != null ? count : 1;
    }

    /** The seed of a one-seed output. */
    public long seed() {
        return seeds == null || seeds.isEmpty() ? DEFAULT_SEED : seeds.get(0);
    }

    /** Rows and columns of the grid; with every class of a CGAN the rows are the classes. */
    public int[] gridShape(ClassChoice classes) {
        int rows = DEFAULT_GRID, cols = DEFAULT_GRID;
        boolean rowsGiven = false;
        if (grid != null) {
            String g = grid.strip().toLowerCase(java.util.Locale.ROOT);
            try {
                int x = g.indexOf('x');
                if (x < 0) {
                    rows = cols = Integer.parseInt(g);
                } else {
                    rows = Integer.parseInt(g.substring(0, x));
                    cols = Integer.parseInt(g.substring(x + 1));
                    rowsGiven = true;
                }
            } catch (NumberFormatException e) {
                rows = cols = -1;
            }
            if (rows < 1 || cols < 1 || rows > MAX_GRID || cols > MAX_GRID) {
                throw new UserException("--grid " + grid + ": give ROWSxCOLS or N (for NxN), each 1.." + MAX_GRID
                        + ", e.g. --grid 8x8");
            }
        }
        if (classes.all()) {
            int k = classes.indices().length;
            if (rowsGiven && rows != k) {
                throw new UserException("--grid " + grid + ": with every class the grid has one row per class (" + k
                        + " rows); give --grid " + k + "x" + cols + ", or --grid " + cols + " for " + cols
                        + " columns, or pick one class with --class");
            }
            rows = k;
        }
        return new int[]{rows, cols};
    }

    /** Seeds for a message: all of a few, the ends of a long range. */
    static String brief(List<Long> seeds) {
        return seeds.size() <= 8 ? joined(seeds)
                : seeds.get(0) + ",...," + seeds.get(seeds.size() - 1) + " (" + seeds.size() + " seeds)";
    }

    static String joined(List<Long> seeds) {
        return String.join(",", seeds.stream().map(String::valueOf).toList());
    }
}
