package dev.gan.sample;

import dev.gan.UserException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code gan sample}: loads a checkpoint's generator and writes what the request asks for - a grid, single images,
 * a latent walk, or a dataset export - then reports the throughput. Everything that can be refused is refused before
 * the first image is generated, so a bad request writes nothing.
 */
public final class Sampler {
    private Sampler() {
    }

    /** What was written: the main file or folder, how many images, and the seconds spent generating and writing. */
    public record Result(Path written, long images, double seconds) {
        public double imagesPerSecond() {
            return images / Math.max(seconds, 1e-9);
        }
    }

    /** Runs a request, reporting to {@code console}; {@code terminal} draws progress bars instead of lines. */
    public static Result run(SampleRequest request, PrintStream console, boolean terminal) {
        SampleRequest.Mode mode = request.check();
        SampleModel model = SampleModel.load(request.checkpoint(), request.raw());
        ClassChoice classes = ClassChoice.parse(model, request.classSpec());
        console.printf(Locale.ROOT, "checkpoint %s: %s, step %d, %dx%dx%d images%s; sampling %s%n", model.file(),
                model.state().modelType(), model.step(), model.shape().channels(), model.shape().size(),
                model.shape().size(), model.conditional() ? ", " + model.classNames().size() + " classes" : "",
                model.which().description());
        Path dir = request.out() != null ? request.out() : OutputFiles.defaultDir(model);
        long seed = request.seed();
        String tag = String.format(Locale.ROOT, "step%06d-seed%d%s", model.step(), seed,
                request.raw() ? "-raw" : "");
        int batch = request.batchSize();
        long t0;
        Result result;
        switch (mode) {
            case GRID -> {
                int[] rc = request.gridShape(classes);
                Path file = dir.resolve(String.format(Locale.ROOT, "grid-%dx%d-%s%s.png", rc[0], rc[1], tag,
                        classes.fileTag(model)));
                OutputFiles.requireFree(List.of(file), request.overwrite());
                OutputFiles.createDir(dir);
                t0 = System.nanoTime();
                long n = GridImage.write(model, classes, rc[0], rc[1], seed, batch, file);
                result = new Result(file, n, seconds(t0));
                console.printf(Locale.ROOT, "wrote %s (%dx%d grid)%n", file, rc[0], rc[1]);
            }
            case COUNT -> {
                long perSeed = request.perSeed();
                List<Long> seeds = request.seedsOrDefault();
                List<Path> files = new java.util.ArrayList<>();
                for (long s : seeds) files.addAll(SingleImages.files(model, classes, perSeed, s, dir));
                OutputFiles.requireFree(files, request.overwrite());
                OutputFiles.createDir(dir);
                t0 = System.nanoTime();
                long count = perSeed * seeds.size();
                for (long s : seeds) {
                    // one seed: its progress; many seeds: a line per seed would drown the output
                    SingleImages.write(model, classes, perSeed, s, batch, dir,
                            ProgressReport.to(seeds.size() == 1 ? console : null, perSeed, terminal, "sample"));
                }
                result = new Result(dir, count, seconds(t0));
                String names = seeds.size() == 1 ? tag
                        : String.format(Locale.ROOT, "step%06d-seed<S>%s", model.step(), request.raw() ? "-raw" : "");
                console.printf(Locale.ROOT, "wrote %d images to %s (sample-%s-NNNNNN%s.png%s)%n", count, dir, names,
                        classes.none() ? "" : "-<class>", seeds.size() == 1 ? ""
                                : ", " + perSeed + " for each of " + seeds.size() + " seeds");
            }
            case INTERPOLATE -> {
                List<Long> seeds = request.seeds();
                String name = String.format(Locale.ROOT, "interp-step%06d-seed%s-k%d%s", model.step(),
                        String.join("_", seeds.stream().map(String::valueOf).toList()), request.interpolate(),
                        classes.fileTag(model));
                Path strip = dir.resolve(name + ".png"), gif = dir.resolve(name + ".gif");
                OutputFiles.requireFree(List.of(strip, gif), request.overwrite());
                OutputFiles.createDir(dir);
                t0 = System.nanoTime();
                long n = Interpolation.write(model, classes, seeds, request.interpolate(), batch, strip, gif);
                result = new Result(strip, n, seconds(t0));
                console.printf(Locale.ROOT, "wrote %s and %s (%d steps from seed %s)%n", strip, gif,
                        Interpolation.frames(seeds.size(), request.interpolate()), SampleRequest.joined(seeds));
            }
            case EXPORT -> result = export(request, model, classes, request.out() != null ? dir
                    : dir.resolve(request.export() + "-" + tag + classes.fileTag(model)), seed, console, terminal);
            default -> throw new IllegalStateException(mode.toString());
        }
        console.printf(Locale.ROOT, "%d images in %.1f s (%.0f images/s)%n", result.images(), result.seconds(),
                result.imagesPerSecond());
        return result;
    }

    private static Result export(SampleRequest r, SampleModel model, ClassChoice classes, Path dir, long seed,
                                 PrintStream console, boolean terminal) {
        String flag = "--export " + r.export();
        long perClass;
        long count;
        String split = "";
        if (model.conditional()) {
            int k = classes.indices().length;
            if (r.count() != null && r.perClass() != null) {
                throw new UserException("--samples " + r.count() + ": give either --samples N (split over the classes) or "
                        + "--per-class N, not both");
            }
            if (r.count() == null && r.perClass() == null) {
                throw new UserException(flag + ": give --per-class N (images of each class) or --samples N (split "
                        + "evenly over the classes)");
            }
            if (r.count() != null) {
                // classes take turns, so a count that does not divide gives the first classes one image more
                count = r.count();
                perClass = count % k == 0 ? count / k : 0;
                split = k == 1 ? "" : perClass > 0
                        ? String.format(Locale.ROOT, " (--samples %d split evenly over %d classes: %d per class)", count, k, perClass)
                        : String.format(Locale.ROOT, " (--samples %d split over %d classes: %d of each of the first %d, "
                        + "%d of the others; --per-class N gives exactly N of each)", count, k, count / k + 1, count % k, count / k);
            } else {
                perClass = r.perClass();
                count = perClass * k;
            }
        } else {
            if (r.perClass() != null) {
                throw new UserException("--per-class " + r.perClass() + ": " + model.file() + " is an unconditional "
                        + "DCGAN checkpoint and has no classes; give --samples N for N images");
            }
            if (r.count() == null) throw new UserException(flag + ": give --samples N (images to export)");
            perClass = 0;
            count = r.count();
        }
        DatasetExport.check(model, r.export(), count, dir, r.overwrite());
        long t0 = System.nanoTime();
        List<String> files = DatasetExport.write(model, classes, r.export(), count, perClass, seed, r.batchSize(), dir,
                ProgressReport.to(console, count, terminal, "export"), line -> console.println("WARNING: " + line));
        Result result = new Result(dir, count, seconds(t0));
        console.printf(Locale.ROOT, "exported %d images%s to %s: %s, %s%n", count, !split.isEmpty() ? split
                : perClass > 0 ? " (" + perClass + " per class)" : "", dir, String.join(", ", files), Manifest.FILE);
        console.println("train on it: " + trainHint(r.export(), model, dir));
        return result;
    }

    /** The --set flags that point a training config at the export. */
    static String trainHint(DatasetExport.Format format, SampleModel model, Path dir) {
        if (format == DatasetExport.Format.folder) {
            return "--set data.format=folder --set data.path=" + dir;
        }
        String hint = "--set data.format=idx --set data.images=" + dir.resolve(DatasetExport.IMAGES);
        if (!model.conditional()) return hint + " --set data.labels=";
        return hint + " --set data.labels=" + dir.resolve(DatasetExport.LABELS)
                + " --set data.class_names=\"" + String.join(",", model.classNames()) + "\"";
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
