package dev.gan.data;

import dev.gan.Sha256;
import dev.gan.config.DataConfig;
import dev.gan.system.TempFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Training's way to read a folder or zip of images: pack it on first use into {@code <output.runs_dir>/.data-cache/}
 * and memory-map the packed file, so that a folder of any size trains with the default heap, and resumes, sweep runs
 * and later runs with the same data, size and channels map the file instead of decoding every image again. The file
 * name carries a digest of every image file's name, size and modification time and of the settings, so an edited
 * folder is packed afresh; old cache files are never deleted by gan (delete the folder to reclaim the space).
 */
public final class DataCache {
    /** The cache folder inside {@code output.runs_dir}. */
    public static final String FOLDER = ".data-cache";

    private DataCache() {
    }

    /** The folder's images mapped from the cache, packed first when not there yet; {@code console} hears about it. */
    public static ImageSet load(DataConfig cfg, Path cacheDir, PrintStream console) {
        try (ImageFiles.Listing listing = ImageFiles.list(Path.of(cfg.path()))) {
            Path file = cacheDir.resolve(name(cfg, listing));
            Path skippedFile = cacheDir.resolve(file.getFileName() + ".skipped.txt");
            if (!Files.isRegularFile(file)) {
                say(console, String.format(Locale.ROOT, "data: packing %,d images of %s into %s (once: later runs and "
                        + "resumes map it)", FolderSource.want(cfg, listing), listing.root(), file));
                long t0 = System.nanoTime();
                List<String> skipped = pack(cfg, listing, file, skippedFile, console);
                say(console, String.format(Locale.ROOT, "data: packed in %.1f s%s", (System.nanoTime() - t0) / 1e9,
                        skipped.isEmpty() ? "" : ", " + skipped.size() + " unreadable files skipped"));
            }
            ImageSet mapped = PackedFile.open(file, cfg.imageSize(), cfg.channels(), 0);
            List<String> skipped = Files.isRegularFile(skippedFile)
                    ? Files.readAllLines(skippedFile, StandardCharsets.UTF_8) : List.of();
            return new ImageSet(mapped.store(), mapped.count(), mapped.channels(), mapped.size(), mapped.labels(),
                    mapped.classNames(), listing.root(), skipped);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the data cache " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    /** The cache file a folder's images are (or will be) packed into, without packing (for gan data info). */
    public static Path fileFor(DataConfig cfg, Path cacheDir) {
        try (ImageFiles.Listing listing = ImageFiles.list(Path.of(cfg.path()))) {
            return cacheDir.resolve(name(cfg, listing));
        }
    }

    /** Packs into the cache; a failed pack leaves no folder it made behind (a bad image is no reason for runs/). */
    private static List<String> pack(DataConfig cfg, ImageFiles.Listing listing, Path file, Path skippedFile,
                                     PrintStream console) throws IOException {
        List<Path> made = new ArrayList<>();
        for (Path p = file.toAbsolutePath().getParent(); p != null && !Files.exists(p); p = p.getParent()) made.add(p);
        Files.createDirectories(file.getParent());
        try {
            return packInto(cfg, listing, file, skippedFile, console);
        } catch (IOException | RuntimeException | Error e) {
            for (Path p : made) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException notEmpty) {
                    break;
                }
            }
            throw e;
        }
    }

    private static List<String> packInto(DataConfig cfg, ImageFiles.Listing listing, Path file, Path skippedFile,
                                         PrintStream console) throws IOException {
        long total = FolderSource.want(cfg, listing);
        long[] lastTenth = {0};
        try (PackedWriter w = new PackedWriter(file, cfg.channels(), cfg.imageSize(), listing.classNames(),
                listing.root())) {
            if (w.removedStale().any()) say(console, "data: " + w.removedStale().line());
            ParallelDecoder.Result r = FolderSource.decode(cfg, listing, (n, chw, label) -> w.add(chw, 0, label), done -> {
                long tenth = done * 10 / Math.max(1, total);
                if (tenth > lastTenth[0] && done < total) {
                    lastTenth[0] = tenth;
                    say(console, String.format(Locale.ROOT, "data: %d%% packed", tenth * 10));
                }
            });
            // the list of skipped files first: once the packed file exists, a run trusts its neighbour list
            TempFiles.removeStale(skippedFile);
            Path tmp = Files.createFile(TempFiles.beside(skippedFile));
            Files.write(tmp, r.skipped(), StandardCharsets.UTF_8);
            Files.move(tmp, skippedFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            w.finish(r.skipped().size());
            return r.skipped();
        }
    }

    /** {@code <root name>-<size>x<size>x<channels>-<digest>.packed}: readable, and unique per content and settings. */
    static String name(DataConfig cfg, ImageFiles.Listing listing) {
        MessageDigest md = Sha256.digest();
        String key = String.join("\n", Path.of(listing.root()).toAbsolutePath().normalize().toString(),
                listing.identity(), Integer.toString(cfg.imageSize()), Integer.toString(cfg.channels()),
                Integer.toString(cfg.limit()), Boolean.toString(cfg.skipBadFiles()),
                Integer.toString(PackedFile.VERSION));
        md.update(key.getBytes(StandardCharsets.UTF_8));
        String digest = Sha256.hex(md).substring(0, 16);
        String base = Path.of(listing.root()).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return String.format(Locale.ROOT, "%s-%dx%dx%d-%s.packed", base, cfg.imageSize(), cfg.imageSize(),
                cfg.channels(), digest);
    }

    private static void say(PrintStream console, String line) {
        if (console != null) console.println(line);
    }
}
