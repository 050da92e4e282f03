package dev.gan.cli;

import dev.gan.sample.DatasetExport;
import dev.gan.sample.SampleRequest;
import dev.gan.sample.SeedList;
import dev.gan.sample.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gan sample}: images, latent walks and synthetic datasets from a checkpoint, without a config file. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate images from a checkpoint: a grid (the default), single PNGs, a walk between seeds, "
                + "or a labelled dataset the trainer reads back.",
                "Writes into <run dir>/generated/ unless -o/--out is given; never replaces a file without --overwrite."})
final class SampleCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--grid", paramLabel = "ROWSxCOLS",
            description = "One PNG grid (default 8x8; for a CGAN with --class all one row per class, COLS columns).")
    String grid;

    @Option(names = "--samples", paramLabel = "N", description = "N single PNGs (N for each of several --seeds); "
            + "with --export, the dataset's size (a CGAN's split evenly over the classes). --count is its deprecated old spelling.")
    Integer samples;

    @Option(names = "--count", hidden = true, paramLabel = "N")
    void count(Integer n) {
        Deprecation.notice(spec, "--count", "--samples");
        samples = n;
    }

    @Option(names = {"--seeds", "--seed"}, split = ",", paramLabel = "A-B,C",
            description = "Seeds of the latent vectors: one (default " + SeedList.DEFAULT_TEXT + "), or seeds and "
                    + "ranges such as 0-35,40: single images for each seed, or the walk of --interpolate. The same "
                    + "seed gives the same images.")
    List<String> seeds;

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

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: generated/ in the run "
            + "directory, or in the working directory for a checkpoint outside a run; an export gets its own "
            + "sub-folder there).")
    Path out;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64",
            description = "Images generated at a time; bounds memory whatever the count (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    Overwrite overwrite;

    @Option(names = "--raw", description = "Sample the trained generator, not the checkpoint's EMA generator "
            + "(training.ema); file names get -raw.")
    boolean raw;

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() {
        SampleRequest request = new SampleRequest(checkpoint.path, grid, samples, perClass,
                seeds == null ? null : SeedList.parse(seeds), classSpec, out, batchSize, interpolate, export,
                overwrite.overwrite, raw);
        Sampler.Result r = Sampler.run(request, json.console(root), !json.json && root.terminal());
        if (json.json) {
            var o = JsonOutput.object();
            // the output's name as the user asked for it (--grid, --samples/--seeds, --interpolate, --export)
            o.put("mode", switch (request.check()) {
                case GRID -> "grid";
                case COUNT -> "images";
                case INTERPOLATE -> "interpolate";
                case EXPORT -> "export";
            });
            o.put("written", r.written().toString());
            o.put("images", r.images());
            o.set("seeds", JsonOutput.tree(request.seedsOrDefault()));
            o.put("seconds", r.seconds());
            JsonOutput.print(root, o);
        }
        return Gan.OK;
    }
}
