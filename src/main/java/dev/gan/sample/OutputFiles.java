package dev.gan.sample;

import dev.gan.UserException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where {@code gan sample} may write. It never deletes anything and replaces a file only with {@code --overwrite};
 * a dataset export goes only into an empty or new folder. Class names come from the checkpoint, which may have
 * come from anyone, so they are turned into plain file names before they touch a path: no separators, no "..".
 */
public final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * The default output folder: {@code <run dir>/generated} for a checkpoint inside a run directory, else
     * {@code generated} in the working directory.
     */
    public static Path defaultDir(SampleModel model) {
        Path run = model.runDir();
        return run != null ? run.resolve("generated") : Path.of("generated");
    }

    /** Refuses to replace any of {@code files} unless {@code overwrite}; checked before anything is generated. */
    static void requireFree(List<Path> files, boolean overwrite) {
        if (overwrite) return;
        for (Path f : files) {
            if (Files.exists(f)) {
                throw new UserException(f + ": already exists; gan sample replaces files only with --overwrite "
                        + "(or choose another --out or --seed)");
            }
        }
    }

    /** Creates the output folder, turning a failure (a file in the way, no permission) into one line. */
    static void createDir(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserException(dir + ": is a file, not a folder; give --out a folder");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserException(dir + ": cannot create the output folder (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); choose another --out");
        }
    }

    /** An export folder must be new or empty, unless {@code overwrite} (which then replaces only what it writes). */
    static void requireEmpty(Path dir, boolean overwrite) {
        if (overwrite || !Files.exists(dir)) return;
        if (!Files.isDirectory(dir)) {
            throw new UserException(dir + ": is a file, not a folder; give --out a folder");
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw new UserException(dir + ": is not empty; an export writes only into an empty or new folder: "
                        + "choose another --out, or add --overwrite to replace the files it writes (nothing else is "
                        + "deleted)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A class name as a file or folder name: letters, digits, '.', '-', '_' and spaces; anything else becomes '_'. */
    public static String safeName(String name) {
        String s = name.replaceAll("[^\\p{L}\\p{N}._ -]", "_").strip();
        if (s.isEmpty() || s.chars().allMatch(ch -> ch == '.')) s = "_" + s;
        return s;
    }

    /** One distinct folder name per class, in class order (a clash after {@link #safeName} gets "-index"). */
    public static List<String> classFolders(List<String> classNames) {
        List<String> out = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < classNames.size(); i++) {
            String n = safeName(classNames.get(i));
            // case-insensitive: the dataset may be copied to a file system that folds case
            if (!taken.add(n.toLowerCase(Locale.ROOT))) {
                n = n + "-" + i;
                taken.add(n.toLowerCase(Locale.ROOT));
            }
            out.add(n);
        }
        return out;
    }
}
