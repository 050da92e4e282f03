package dev.gan.augment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.UserException;
import dev.gan.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where {@code gan augment} writes: {@code augment.txt} (the table), {@code augment.json} (rows and protocol),
 * {@code augment.png} (the plot) and {@code augment-splits.json} (the file indices of the test images and of every
 * real draw, so anyone can check they are disjoint), in {@code --out} or {@code <run>/augment/}. Existing files are
 * refused before any work unless {@code --overwrite}, so an earlier study is never lost by accident.
 *
 * @param dir the output folder
 */
record AugmentOutput(Path dir) {

    static AugmentOutput of(AugmentRequest r, Path checkpoint) {
        if (r.out() != null) return new AugmentOutput(r.out());
        Path parent = checkpoint.toAbsolutePath().getParent();
        boolean inRun = parent != null && parent.getFileName() != null
                && parent.getFileName().toString().equals("checkpoints");
        return new AugmentOutput(inRun ? parent.getParent().resolve("augment") : Path.of("augment"));
    }

    Path table() {
        return dir.resolve("augment.txt");
    }

    Path json() {
        return dir.resolve("augment.json");
    }

    Path plot() {
        return dir.resolve("augment.png");
    }

    Path splits() {
        return dir.resolve("augment-splits.json");
    }

    List<Path> files() {
        return List.of(table(), json(), plot(), splits());
    }

    void requireFree(boolean overwrite) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserException(dir + ": is a file, not a folder; give --out a folder");
        }
        if (overwrite) return;
        for (Path f : files()) {
            if (Files.exists(f)) {
                throw new UserException(f + ": already exists; gan augment replaces its files only with --overwrite "
                        + "(or choose another --out)");
            }
        }
    }

    void write(AugmentReport report, ObjectNode splits) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserException(dir + ": cannot create the output folder (" + e.getMessage() + "); choose another --out");
        }
        AtomicFiles.writeString(table(), String.join("\n", report.lines()) + "\n");
        AtomicFiles.writeString(json(), report.toJsonText());
        try {
            // one line: tens of thousands of indices, read by programs
            AtomicFiles.writeString(splits(), new ObjectMapper().writeValueAsString(splits) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AugmentPlot.write(report, plot());
    }
}
