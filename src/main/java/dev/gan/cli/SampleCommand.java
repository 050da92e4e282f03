package dev.gan.cli;

import dev.gan.sample.DatasetExport;
import dev.gan.sample.SampleRequest;
import dev.gan.sample.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gan sample}: images, latent walks and synthetic datasets from a checkpoint, without a config file. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate images from a checkpoint: a grid (the default), single PNGs, a walk between seeds, "
                + "or a labelled dataset the trainer reads back.",
                "Writes into <run dir>/generated/ unless --out is given; never replaces a file without --overwrite."})
final class SampleCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE|RUN_DIR",
            description = "A checkpoint file, or a run directory (its latest checkpoint).")
    Path checkpoint;

    @Option(names = "--grid", paramLabel = "ROWSxCOLS",
            description = "One PNG grid (default 8x8; for a CGAN with --class all one row per class, COLS columns).")
    String grid;

    @Option(names = "--count", paramLabel = "N", description = "N single PNGs; with --export, the dataset's size (a CGAN's split evenly over the classes).")
    Integer count;

    @Option(names = "--seed", split = ",", paramLabel = "S",
            description = "Seed of the latent vectors (default 1); the same seed gives the same images. "
                    + "Several (1,2,3) with --interpolate.")
    List<Long> seeds;

    @Option(names = "--class", paramLabel = "NAME|INDEX|all",
            description = "CGAN only: one class, or all (default) in turn / one grid row each.")
    String classSpec;

    @Option(names = "--interpolate", paramLabel = "K",
            description = "Walk between the seeds' latent vectors (spherical), K images per step: a strip PNG and a GIF.")
    Integer interpolate;

    @Option(names = "--export", paramLabel = "folder|idx|packed",
            description = "Write a labelled dataset, with a manifest: image folders (one sub-folder per class), "
                    + "IDX files, or one packed file (images.packed, see gan data pack).")
    DatasetExport.Format export;

    @Option(names = "--per-class", paramLabel = "N", description = "With --export on a CGAN: exactly N images of each class.")
    Integer perClass;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: generated/ in the run "
            + "directory, or in the working directory for a checkpoint outside a run; an export gets its own "
            + "sub-folder there).")
    Path out;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64",
            description = "Images generated at a time; bounds memory whatever the count (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--overwrite", description = "Replace files this command writes (nothing else is ever deleted).")
    boolean overwrite;

    @Option(names = "--raw", description = "Sample the trained generator, not the checkpoint's EMA generator "
            + "(training.ema); file names get -raw.")
    boolean raw;

    @Override
    public Integer call() {
        boolean terminal = root.terminal();
        Sampler.run(new SampleRequest(checkpoint, grid, count, perClass, seeds, classSpec, out, batchSize, interpolate,
                export, overwrite, raw), root.out, terminal);
        return Gan.OK;
    }
}
