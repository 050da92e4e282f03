package dev.gan.data;

import dev.gan.UserException;
import dev.gan.config.DataConfig;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The image-folder source ({@code data.format: folder}): PNG, JPEG and BMP files under {@code data.path}, either
 * sorted into one sub-folder per class (label = index of the sub-folder among the sub-folders sorted by name) or all
 * directly in the folder (an unlabelled dataset). Every image is centre-cropped to a square, resized to
 * {@code data.image_size} and converted to {@code data.channels} by {@link ImageOps#toChw}, so image sizes and
 * grayscale/RGB may be mixed. Names starting with '.' (hidden files and folders) and files with other extensions are
 * ignored; class folders are searched recursively.
 *
 * <p>A file with an image extension that ImageIO cannot decode stops loading with its path, unless
 * {@code data.skip_bad_files} is set: then it is left out and listed in {@link ImageSet#skippedFiles()}.
 */
public final class FolderSource {
    /** File name endings read as images, compared in lower case. */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp");
    private static final String KINDS = "PNG, JPEG or BMP";
    /** How many skipped files a warning names before it refers to the full list. */
    private static final int NAMED_IN_WARNING = 5;

    private FolderSource() {
    }

    /** A file and its class (0 when unlabelled). */
    private record Entry(Path file, int label) {
    }

    public static ImageSet load(DataConfig cfg) {
        Path root = Path.of(cfg.path());
        List<String> classNames = new ArrayList<>();
        List<List<Path>> files = list(root, classNames);
        // class by class in turn, so that data.limit keeps every class (the sampler shuffles anyway)
        List<Entry> order = interleave(files);
        int want = cfg.limit() > 0 ? Math.min(cfg.limit(), order.size()) : order.size();
        int size = cfg.imageSize(), per = cfg.channels() * size * size;
        byte[] pixels = new byte[want * per];
        int[] labels = new int[want];
        int[] perClass = new int[files.size()];
        List<String> skipped = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < order.size() && n < want; i++) {
            Entry e = order.get(i);
            BufferedImage img = decode(e.file(), cfg.skipBadFiles(), skipped);
            if (img == null) continue;
            ImageOps.toChw(img, size, cfg.channels(), pixels, n * per);
            labels[n++] = e.label();
            perClass[e.label()]++;
        }
        if (n == 0) {
            throw new UserException(root + ": none of its " + skipped.size() + " image files could be read (e.g. "
                    + skipped.get(0) + "); check that they are " + KINDS + " images");
        }
        Set<String> bad = new HashSet<>(skipped);
        for (int k = 0; k < files.size(); k++) {
            if (perClass[k] == 0 && files.get(k).stream().allMatch(f -> bad.contains(f.toString()))) {
                throw new UserException(root.resolve(classNames.get(k)) + ": none of its " + files.get(k).size()
                        + " image files could be read; fix them or remove the class folder");
            }
        }
        return new ImageSet(n < want ? Arrays.copyOf(pixels, n * per) : pixels, n, cfg.channels(), size,
                classNames.isEmpty() ? null : Arrays.copyOf(labels, n), classNames, root.toString(), skipped);
    }

    /** One line for the run log about the files {@code data.skip_bad_files} left out. */
    public static String skippedWarning(List<String> skipped, String fullListFile) {
        String named = String.join(", ", skipped.subList(0, Math.min(NAMED_IN_WARNING, skipped.size())));
        String more = skipped.size() > NAMED_IN_WARNING
                ? ", ... (all " + skipped.size() + " in " + fullListFile + ")" : "";
        String what = skipped.size() == 1 ? " file that is not a readable image" : " files that are not readable images";
        return "data: skipped " + skipped.size() + what + " (data.skip_bad_files is true): " + named + more;
    }

    /**
     * The image files of each class under {@code root} (one list, and no class names, for an unlabelled folder);
     * fills {@code classNames} with the sub-folder names in sorted order.
     */
    private static List<List<Path>> list(Path root, List<String> classNames) {
        if (!Files.exists(root)) {
            throw new UserException(root + ": no such folder; check data.path in the config");
        }
        if (!Files.isDirectory(root)) {
            throw new UserException(root + ": is a file, not a folder; data.path must name a folder of images "
                    + "(one sub-folder per class)");
        }
        List<Path> children = children(root);
        List<Path> dirs = children.stream().filter(Files::isDirectory).toList();
        List<Path> images = children.stream().filter(FolderSource::isImageFile).toList();
        if (dirs.isEmpty()) {
            if (images.isEmpty()) {
                throw new UserException(root + ": no images (" + KINDS + " files) and no class sub-folders; put the "
                        + "images in it, sorted into one sub-folder per class");
            }
            return List.of(images);
        }
        if (!images.isEmpty()) {
            throw new UserException(root + ": has class sub-folders and also " + images.size() + " image file"
                    + (images.size() == 1 ? "" : "s") + " directly inside (e.g. " + images.get(0).getFileName()
                    + "); move them into a class sub-folder");
        }
        List<List<Path>> files = new ArrayList<>();
        for (Path dir : dirs) {
            List<Path> found = new ArrayList<>();
            collect(dir, found, new HashSet<>());
            if (found.isEmpty()) {
                throw new UserException(dir + ": class folder has no images (" + KINDS + " files); add some or "
                        + "remove the folder");
            }
            classNames.add(dir.getFileName().toString());
            files.add(found);
        }
        return files;
    }

    /** Image files under {@code dir}, depth first in name order; {@code seen} guards against symlink loops. */
    private static void collect(Path dir, List<Path> out, Set<Path> seen) {
        try {
            if (!seen.add(dir.toRealPath())) return;
        } catch (IOException e) {
            throw new UserException(dir + ": cannot read the folder (" + e.getMessage() + ")");
        }
        for (Path p : children(dir)) {
            if (Files.isDirectory(p)) collect(p, out, seen);
            else if (isImageFile(p)) out.add(p);
        }
    }

    /** The entries of a folder that are not hidden, sorted by name. */
    private static List<Path> children(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UserException(dir + ": cannot read the folder (" + e.getMessage() + ")");
        }
    }

    private static boolean isImageFile(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static List<Entry> interleave(List<List<Path>> files) {
        List<Entry> out = new ArrayList<>();
        int longest = files.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (int k = 0; k < files.size(); k++) {
                if (i < files.get(k).size()) out.add(new Entry(files.get(k).get(i), k));
            }
        }
        return out;
    }

    /** The decoded image, or null when it is unreadable and {@code skip} is set (it is then added to skipped). */
    private static BufferedImage decode(Path file, boolean skip, List<String> skipped) {
        String problem;
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img != null && img.getWidth() > 0 && img.getHeight() > 0) return img;
            problem = "no " + KINDS + " decoder recognises its content";
        } catch (IOException | RuntimeException e) {
            // decoders throw IIOException for damaged files and, for some malformed headers, runtime exceptions
            problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
        }
        if (!skip) {
            throw new UserException(file + ": not a readable image (" + problem + "); fix or remove the file, or set "
                    + "data.skip_bad_files: true to skip such files");
        }
        skipped.add(file.toString());
        return null;
    }
}
