package dev.gan.data;

import dev.gan.Sha256;
import dev.gan.UserException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The image files of a folder or of a zip archive, sorted into classes the same way: images directly in the root make
 * an unlabelled set; otherwise each sub-folder (searched recursively) is a class, label = its index among the
 * sub-folders sorted by name. Hidden names (starting with '.'), macOS's {@code __MACOSX} folder in zips, and files with
 * other extensions are ignored. A zip of a folder and the folder itself list the same images in the same order.
 */
public final class ImageFiles {
    /**
     * File name endings read as images, compared in lower case. The JDK's ImageIO reads PNG, BMP and GIF (the first
     * frame); the TwelveMonkeys plug-ins on the class path add WebP, TIFF beyond baseline (16-bit, predictors) and
     * CMYK/YCCK JPEGs, which the JDK decodes with wrong colours.
     */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif",
            ".tiff");
    static final String KINDS = "PNG, JPEG, WebP, TIFF, BMP or GIF";

    private ImageFiles() {
    }

    /** How an entry's bytes are read (a file, or a zip entry). */
    @FunctionalInterface
    public interface Bytes {
        byte[] read() throws IOException;
    }

    /**
     * One image file.
     *
     * @param name  its path (a zip entry as {@code archive.zip!dir/file.png}), for messages
     * @param label its class (0 when unlabelled)
     * @param bytes reads its content
     */
    public record Entry(String name, int label, Bytes bytes) {
    }

    /**
     * The image files under a root.
     *
     * @param root       the folder or archive, for messages
     * @param classNames sub-folder names in sorted order (empty when unlabelled)
     * @param files      the files of each class (one list when unlabelled)
     * @param identity   a digest of every file's name, size and modification time: changes when the images do
     * @param archive    the open zip archive to close after reading, or null for a folder
     */
    public record Listing(String root, List<String> classNames, List<List<Entry>> files, String identity,
                          ZipFile archive) implements AutoCloseable {
        /** Class by class in turn, so that data.limit keeps every class (the sampler shuffles anyway). */
        public List<Entry> interleaved() {
            List<Entry> out = new ArrayList<>();
            int longest = files.stream().mapToInt(List::size).max().orElse(0);
            for (int i = 0; i < longest; i++) {
                for (List<Entry> f : files) if (i < f.size()) out.add(f.get(i));
            }
            return out;
        }

        public int size() {
            return files.stream().mapToInt(List::size).sum();
        }

        @Override
        public void close() {
            if (archive == null) return;
            try {
                archive.close();
            } catch (IOException e) {
                // read-only archive: nothing was lost
            }
        }
    }

    /** True for a file that starts like a zip archive (local file header or empty archive). */
    public static boolean isZip(Path p) {
        if (!Files.isRegularFile(p)) return false;
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 || b[2] == 5) && (b[3] == 4 || b[3] == 6);
        } catch (IOException e) {
            return false;
        }
    }

    /** The images of a folder, or of a zip archive when {@code root} is a file ending in .zip or starting like one. */
    public static Listing list(Path root) {
        if (!Files.exists(root)) {
            throw new UserException(root + ": no such folder; check data.path in the config");
        }
        if (Files.isDirectory(root)) return folder(root);
        if (root.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip") || isZip(root)) return zip(root);
        throw new UserException(root + ": is a file, not a folder; data.path must name a folder of images "
                + "(one sub-folder per class), a zip archive of one, or a packed file from gan data pack");
    }

    // ---- folders

    /** A folder entry with its attributes, read once (a folder of 200,000 images is 200,000 stat calls). */
    private record Child(Path path, BasicFileAttributes attrs) {
        boolean dir() {
            return attrs.isDirectory();
        }

        boolean image() {
            return attrs.isRegularFile() && isImageName(path.getFileName().toString());
        }
    }

    private static Listing folder(Path root) {
        List<Child> children = children(root);
        List<Child> dirs = children.stream().filter(Child::dir).toList();
        List<Child> images = children.stream().filter(Child::image).toList();
        List<String> classNames = new ArrayList<>();
        List<List<Child>> files = new ArrayList<>();
        if (dirs.isEmpty()) {
            if (images.isEmpty()) {
                throw new UserException(root + ": no images (" + KINDS + " files) and no class sub-folders; put the "
                        + "images in it, sorted into one sub-folder per class");
            }
            files.add(images);
        } else {
            mixed(root.toString(), images.size(), images.isEmpty() ? null : images.get(0).path().getFileName().toString());
            for (Child dir : dirs) {
                List<Child> found = new ArrayList<>();
                collect(dir.path(), found, new HashSet<>());
                if (found.isEmpty()) {
                    throw new UserException(dir.path() + ": class folder has no images (" + KINDS + " files); add some "
                            + "or remove the folder");
                }
                classNames.add(dir.path().getFileName().toString());
                files.add(found);
            }
        }
        Digest id = new Digest();
        List<List<Entry>> entries = new ArrayList<>();
        for (int k = 0; k < files.size(); k++) {
            List<Entry> list = new ArrayList<>();
            for (Child c : files.get(k)) {
                Path p = c.path();
                list.add(new Entry(p.toString(), k, () -> Files.readAllBytes(p)));
                id.add(root.relativize(p) + "\t" + k + "\t" + c.attrs().size() + "\t"
                        + c.attrs().lastModifiedTime().toMillis());
            }
            entries.add(list);
        }
        return new Listing(root.toString(), List.copyOf(classNames), entries, id.hex(), null);
    }

    private static String stat(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.size() + "\t" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** Image files under {@code dir}, depth first in name order; {@code seen} guards against symlink loops. */
    private static void collect(Path dir, List<Child> out, Set<Path> seen) {
        try {
            if (!seen.add(dir.toRealPath())) return;
        } catch (IOException e) {
            throw new UserException(dir + ": cannot read the folder (" + e.getMessage() + ")");
        }
        for (Child c : children(dir)) {
            if (c.dir()) collect(c.path(), out, seen);
            else if (c.image()) out.add(c);
        }
    }

    /** The entries of a folder that are not hidden, sorted by name, with their attributes (links followed). */
    private static List<Child> children(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Child> out = new ArrayList<>();
            for (Path p : s.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                try {
                    out.add(new Child(p, Files.readAttributes(p, BasicFileAttributes.class)));
                } catch (IOException e) {
                    // a dangling link or a file removed meanwhile: not an image we could read
                }
            }
            out.sort(Comparator.comparing(c -> c.path().getFileName().toString()));
            return out;
        } catch (IOException e) {
            throw new UserException(dir + ": cannot read the folder (" + e.getMessage() + ")");
        }
    }

    private static boolean isImageName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    private static void mixed(String root, int images, String example) {
        if (images > 0) {
            throw new UserException(root + ": has class sub-folders and also " + images + " image file"
                    + (images == 1 ? "" : "s") + " directly inside (e.g. " + example + "); move them into a class "
                    + "sub-folder");
        }
    }

    // ---- zip archives

    private static Listing zip(Path file) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new UserException(file + ": not a readable zip archive (" + e.getMessage() + "); check the file, or "
                    + "unpack it and give the folder as data.path");
        } catch (IOException e) {
            throw new UserException(file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            return zipListing(file, zip);
        } catch (RuntimeException e) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    private static Listing zipListing(Path file, ZipFile zip) {
        List<String[]> top = new ArrayList<>();
        Map<String, List<String[]>> classes = new LinkedHashMap<>();
        for (ZipEntry e : java.util.Collections.list(zip.entries())) {
            if (e.isDirectory()) continue;
            String[] parts = e.getName().split("/");
            if (Arrays.stream(parts).anyMatch(s -> s.startsWith(".") || s.equals("__MACOSX"))) continue;
            if (!isImageName(parts[parts.length - 1])) continue;
            if (parts.length == 1) top.add(parts);
            else classes.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts);
        }
        Comparator<String[]> depthFirst = (a, b) -> Arrays.compare(a, b);
        String zipName = file.toString();
        if (classes.isEmpty() && top.isEmpty()) {
            throw new UserException(zipName + ": no images (" + KINDS + " files) and no class sub-folders in the "
                    + "archive; put the images in it, sorted into one sub-folder per class");
        }
        List<String> classNames = new ArrayList<>();
        List<List<String[]>> files = new ArrayList<>();
        if (classes.isEmpty()) {
            top.sort(depthFirst);
            files.add(top);
        } else {
            top.sort(depthFirst);
            mixed(zipName, top.size(), top.isEmpty() ? null : top.get(0)[0]);
            classNames.addAll(classes.keySet());
            classNames.sort(null);
            for (String c : classNames) {
                List<String[]> f = classes.get(c);
                f.sort(depthFirst);
                files.add(f);
            }
        }
        Digest id = new Digest();
        id.add(file.toAbsolutePath() + "\t" + stat(file));
        List<List<Entry>> entries = new ArrayList<>();
        for (int k = 0; k < files.size(); k++) {
            List<Entry> list = new ArrayList<>();
            for (String[] parts : files.get(k)) {
                String name = String.join("/", parts);
                ZipEntry ze = zip.getEntry(name);
                list.add(new Entry(zipName + "!" + name, k, () -> {
                    try (InputStream in = zip.getInputStream(ze)) {
                        return in.readAllBytes();
                    }
                }));
            }
            entries.add(list);
        }
        return new Listing(zipName, List.copyOf(classNames), entries, id.hex(), zip);
    }

    /** SHA-256 over lines, for listing identities. */
    private static final class Digest {
        private final MessageDigest md = Sha256.digest();

        void add(String line) {
            md.update((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        String hex() {
            return Sha256.hex(md);
        }
    }
}
