package dev.gan.data;

import dev.gan.UserException;
import dev.gan.config.DataConfig;
import dev.gan.system.TempFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Packs a dataset into one packed file ({@link PackedFile}): a folder or zip of images (decoded on all cores, streamed
 * to disk, so any number of images packs with a small heap), an IDX file pair, or an {@link ImageSet} already in
 * memory. What {@code gan data pack} and the training cache ({@link DataCache}) run.
 */
public final class Packer {
    private Packer() {
    }

    /** Hears how far packing is: the total once known, then files done. */
    public interface Progress {
        void start(long total);

        void advance(long done);

        void done();

        Progress NONE = new Progress() {
            @Override
            public void start(long total) {
            }

            @Override
            public void advance(long done) {
            }

            @Override
            public void done() {
            }
        };
    }

    /**
     * A finished pack.
     *
     * @param header  the header written
     * @param file    where
     * @param skipped unreadable files left out ({@code data.skip_bad_files})
     * @param removedStale temporaries of killed packs of the same file, removed before this one began
     */
    public record Packed(PackedHeader header, Path file, List<String> skipped, TempFiles.Removed removedStale) {
    }

    /** Packs what {@code cfg} describes (format idx, or folder: a folder or a zip) into {@code out}. */
    public static Packed pack(DataConfig cfg, Path out, Progress progress) {
        try {
            if ("idx".equals(cfg.format())) {
                ImageSet idx = IdxSource.load(cfg);
                return write(new ImageSet(idx.store(), idx.count(), idx.channels(), idx.size(), idx.labels(),
                        idx.classNames(), Path.of(idx.source()).toAbsolutePath().toString(), List.of()), out, progress);
            }
            try (ImageFiles.Listing listing = ImageFiles.list(Path.of(cfg.path()))) {
                progress.start(FolderSource.want(cfg, listing));
                // the header names the source absolutely: the packed file is read from anywhere
                try (PackedWriter w = new PackedWriter(out, cfg.channels(), cfg.imageSize(), listing.classNames(),
                        Path.of(listing.root()).toAbsolutePath().toString())) {
                    ParallelDecoder.Result r = FolderSource.decode(cfg, listing, (n, chw, label) -> w.add(chw, 0, label),
                            progress::advance);
                    PackedHeader h = w.finish(r.skipped().size());
                    progress.done();
                    return new Packed(h, out, r.skipped(), w.removedStale());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** Writes a set held in memory (or mapped) as a packed file. */
    public static Packed write(ImageSet set, Path out, Progress progress) throws IOException {
        progress.start(set.count());
        try (PackedWriter w = new PackedWriter(out, set.channels(), set.size(),
                set.labelled() ? set.classNames() : List.of(), set.source())) {
            byte[] img = new byte[set.imageBytes()];
            for (int i = 0; i < set.count(); i++) {
                set.image(i, img, 0);
                w.add(img, 0, set.labelled() ? set.labels()[i] : 0);
                if ((i + 1) % 1024 == 0) progress.advance(i + 1);
            }
            PackedHeader h = w.finish(set.skippedFiles().size());
            progress.done();
            return new Packed(h, out, set.skippedFiles(), w.removedStale());
        }
    }

    /** Refuses to replace an existing file unless asked to. */
    public static void requireNew(Path out, boolean overwrite) {
        if (Files.exists(out) && !overwrite) {
            throw new UserException(out + ": already exists; give another --out, or --overwrite to replace it");
        }
        if (Files.isDirectory(out)) {
            throw new UserException(out + ": is a folder; --out names the packed file to write, e.g. data.packed");
        }
    }
}
