package dev.gan.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README.md and docs/*.md against the repository and the real command line. The rules:
 * <ul>
 * <li><b>Repository paths exist.</b> Any text (prose or code) naming a path under {@code configs/}, {@code docs/},
 * {@code scripts/}, {@code data/}, {@code src/} or {@code classifiers/} must name a file or folder of the repository,
 * resolved from its root. Not checked: what commands create ({@code runs/}, {@code sweeps/}, and any path given to
 * {@code -o}/{@code --out}/{@code --run-dir} or after a shell {@code >}), and placeholders for the reader's own files:
 * a path segment starting with {@code my} ({@code data/my-images}, {@code classifiers/my.zip}), containing three
 * capitals in a row ({@code NNN}, {@code FILE}), or followed by {@code <}, <code>{</code>, {@code *} or {@code $}.</li>
 * <li><b>Links resolve.</b> A relative Markdown link's target exists, resolved from the linking file's folder, and its
 * {@code #anchor} is a heading of the target (GitHub's heading slugs) or an {@code <a id>} in it.</li>
 * <li><b>Config keys exist.</b> A key path such as {@code training.g.lr} in the docs is a key of
 * configs/gan.schema.json (which ConfigSchemaTest holds to the config records), except on a line showing the
 * "unknown key" error.</li>
 * <li><b>No development-machine paths</b> (in the docs, and in the comments of configs/, pom.xml and the launcher):
 * {@code /work/}, {@code /home/}, {@code /Users/}, {@code /root/},
 * {@code /mnt/}; a {@code /tmp/x/...} path only when a shipped script (the launcher, scripts/) uses {@code /tmp/x}
 * (where it writes on the user's machine too).</li>
 * <li><b>Nothing users do not have</b> (docs and those comments alike): no {@code shared/} or {@code peers/} paths, no BENCHMARK.md, DL4J-NOTES.md,
 * PERF-NOTES.md or GAN-RECIPES.md, no issue numbers ("issue #11", "#12") and no "the issue" (users have no
 * tracker).</li>
 * <li><b>Command lines parse.</b> A code-block line whose first word (after a {@code $ } prompt and {@code VAR=value}
 * assignments) is {@code gan} or {@code ./gan}, or any {@code ./gan} in a code-block line ({@code for ...; do ./gan
 * ...}), is a command: backslash continuations are joined, and the words up to a {@code #} comment, {@code ;},
 * {@code &&}, pipe or redirection are parsed by the real picocli command line ({@code parseArgs}: nothing runs), so a
 * renamed or removed command, option or value format fails. Placeholder values (an all-capitals word such as
 * {@code N}, {@code FILE}, {@code RUN_DIR}, or a {@code $VAR}) become {@code 1} for numeric options. A synopsis
 * (a line or span with {@code [}, {@code ]}, {@code <}, <code>{</code> or {@code ...}) is checked for its commands and
 * option names only. An inline code span starting with {@code gan } or {@code ./gan } is a fragment: it gets the same
 * checks, except that it may leave out required options and values ({@code gan sweep: attempt 1} is a message gan
 * prints, not a command).</li>
 * </ul>
 */
class DocsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    private static final Pattern REPO_PATH = Pattern.compile(
            "(?<![\\w./-])(?:configs|docs|scripts|data|src|classifiers)/[\\w./-]*");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern DEV_PATH = Pattern.compile("(?<![\\w.~-])/(?:work|home|Users|root|mnt|tmp)/[\\w./-]*");
    private static final Pattern UNAVAILABLE = Pattern.compile(
            "(?<![\\w.-])(?:shared|peers)/|BENCHMARK\\.md|DL4J-NOTES|PERF-NOTES|GAN-RECIPES"
                    + "|(?i:\\bissues? #?\\d+|\\bthe issue\\b)|(?<![\\w(/.#-])#\\d+\\b");
    private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z0-9_]*(\\.[a-z]+)?|\\$\\w+|\\$\\{\\w+}");

    @Test
    void repositoryPathsExist() throws IOException {
        List<String> bad = new ArrayList<>();
        for (DocText doc : DocText.userDocs(ROOT)) {
            for (DocText.At at : doc.allLines()) {
                Matcher m = REPO_PATH.matcher(at.text());
                while (m.find()) {
                    String path = m.group().replaceAll("[.-]+$", "");
                    String before = at.text().substring(0, m.start());
                    char next = m.end() < at.text().length() ? at.text().charAt(m.end()) : ' ';
                    if ("<{*$".indexOf(next) >= 0 || isPlaceholderPath(path)
                            || before.matches("(?s).*(\\s-o|--out|--run-dir|>)[ =]$")) continue;
                    if (!Files.exists(ROOT.resolve(path))) bad.add(doc.where(at.line()) + ": " + path);
                }
            }
        }
        assertTrue(bad.isEmpty(), "paths the repository does not have:\n" + String.join("\n", bad));
    }

    private static boolean isPlaceholderPath(String path) {
        for (String segment : path.split("/")) {
            if (segment.startsWith("my") || segment.matches(".*[A-Z]{3,}.*")) return true;
        }
        return false;
    }

    @Test
    void linksResolve() throws IOException {
        List<String> bad = new ArrayList<>();
        for (DocText doc : DocText.userDocs(ROOT)) {
            for (DocText.At at : doc.allLines()) {
                Matcher m = LINK.matcher(at.text());
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("[a-z]+:.*")) continue;
                    int hash = target.indexOf('#');
                    String file = hash < 0 ? target : target.substring(0, hash);
                    Path resolved = file.isEmpty() ? doc.file() : doc.file().getParent().resolve(file).normalize();
                    if (!Files.exists(resolved)) {
                        bad.add(doc.where(at.line()) + ": " + target + " (no such file)");
                    } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
                        bad.add(doc.where(at.line()) + ": " + target + " (no such heading)");
                    }
                }
            }
        }
        assertTrue(bad.isEmpty(), "broken links:\n" + String.join("\n", bad));
    }

    /** GitHub's heading anchors (lower case, punctuation dropped, spaces to hyphens, -1, -2 for repeats) and {@code <a id>}s. */
    private static Set<String> anchors(Path md) throws IOException {
        DocText doc = DocText.read(md);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < doc.lines().size(); i++) {
            String line = doc.lines().get(i);
            Matcher html = Pattern.compile("<a (?:id|name)=\"([^\"]+)\"").matcher(line);
            while (!doc.code().get(i) && html.find()) seen.put(html.group(1), 1);
            if (doc.code().get(i) || !line.matches("#{1,6} .*")) continue;
            String slug = line.replaceFirst("^#+ ", "").strip().toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            seen.merge(slug, 1, Integer::sum);
            int n = seen.get(slug);
            if (n > 1) seen.put(slug + "-" + (n - 1), 1);
        }
        return seen.keySet();
    }

    private static final Pattern CONFIG_KEY = Pattern.compile(
            "(?<![\\w./-])(?:data|model|training|output|watch)\\.[a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*(?![\\w-])");

    @Test
    void configKeysExist() throws IOException {
        Set<String> keys = new java.util.HashSet<>();
        collectKeys(new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(ROOT.resolve("configs/gan.schema.json").toFile()), "", keys);
        List<String> bad = new ArrayList<>();
        for (DocText doc : DocText.userDocs(ROOT)) {
            for (DocText.At at : doc.allLines()) {
                if (at.text().contains("unknown key")) continue; // an example of the error a mistyped key gets
                Matcher m = CONFIG_KEY.matcher(at.text());
                while (m.find()) {
                    String key = m.group();
                    if (!key.endsWith(".md") && !keys.contains(key)) bad.add(doc.where(at.line()) + ": " + key);
                }
            }
        }
        assertTrue(bad.isEmpty(), "config keys the config does not have:\n" + String.join("\n", bad));
    }

    private static void collectKeys(com.fasterxml.jackson.databind.JsonNode node, String prefix, Set<String> keys) {
        node.path("properties").fields().forEachRemaining(e -> {
            keys.add(prefix + e.getKey());
            collectKeys(e.getValue(), prefix + e.getKey() + ".", keys);
        });
    }

    @Test
    void noDevelopmentMachinePaths() throws IOException {
        String scripts = shippedScripts();
        List<String> bad = findAll(DEV_PATH, m -> m.startsWith("/tmp/") && scripts.contains(m.replaceFirst("^(/tmp/[^/]+).*", "$1")));
        assertTrue(bad.isEmpty(), "paths of a development machine:\n" + String.join("\n", bad));
    }

    @Test
    void nothingUsersDoNotHave() throws IOException {
        List<String> bad = findAll(UNAVAILABLE, m -> false);
        assertTrue(bad.isEmpty(), "shared/ files, peers or issue numbers:\n" + String.join("\n", bad));
    }

    private static String shippedScripts() throws IOException {
        StringBuilder all = new StringBuilder(Files.readString(ROOT.resolve("gan")));
        try (Stream<Path> s = Files.list(ROOT.resolve("scripts"))) {
            // regular files only: running a dataset script leaves scripts/__pycache__/ (rgbset's bytecode)
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) all.append(Files.readString(p));
        }
        return all.toString();
    }

    /** The user docs, and the shipped files users read comments in: configs, plans, pom.xml and the launcher. */
    private static List<DocText> docsAndComments() throws IOException {
        List<DocText> all = new ArrayList<>(DocText.userDocs(ROOT));
        for (String dir : List.of("configs", "configs/sweeps")) {
            try (Stream<Path> s = Files.list(ROOT.resolve(dir))) {
                for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) all.add(DocText.read(p));
            }
        }
        all.add(DocText.read(ROOT.resolve("pom.xml")));
        all.add(DocText.read(ROOT.resolve("gan")));
        return all;
    }

    private static List<String> findAll(Pattern p, java.util.function.Predicate<String> allowed) throws IOException {
        List<String> bad = new ArrayList<>();
        for (DocText doc : docsAndComments()) {
            for (DocText.At at : doc.allLines()) {
                Matcher m = p.matcher(at.text());
                while (m.find()) if (!allowed.test(m.group())) bad.add(doc.where(at.line()) + ": " + m.group());
            }
        }
        return bad;
    }

    @Test
    void everyCommandLineParses() throws IOException {
        List<String> bad = new ArrayList<>();
        int checked = 0;
        for (DocText doc : DocText.userDocs(ROOT)) {
            for (DocText.At at : doc.codeLines()) {
                List<String> args = commandArgs(at.text());
                if (args == null) continue;
                checked++;
                String problem = check(args, synopsis(at.text()), false);
                if (problem != null) bad.add(doc.where(at.line()) + ": " + at.text() + "\n    " + problem);
            }
            for (DocText.At at : doc.inlineSpans()) {
                String span = at.text().strip();
                if (!span.matches("(\\./)?gan .*") || span.matches("gan [\\w-]+: .*")) continue; // not a message
                checked++;
                List<String> words = DocText.shellWords(span);
                String problem = check(words.subList(1, words.size()), synopsis(span), true);
                if (problem != null) bad.add(doc.where(at.line()) + ": `" + span + "`\n    " + problem);
            }
        }
        assertTrue(checked > 50, "only " + checked + " command lines found: is the reading of the docs broken?");
        assertTrue(bad.isEmpty(), "command lines the real gan does not accept:\n" + String.join("\n", bad));
    }

    /** The arguments after {@code gan} when a code-block line is a gan command, else null. */
    static List<String> commandArgs(String line) {
        List<String> words = DocText.shellWords(line.replaceFirst("^\\$ ", ""));
        int i = 0;
        while (i < words.size() && words.get(i).matches("[A-Z_][A-Z0-9_]*=.*")) i++;
        if (i < words.size() && (words.get(i).equals("gan") || words.get(i).equals("./gan"))) {
            return words.subList(i + 1, words.size());
        }
        int at = line.indexOf("./gan ");
        if (at < 0) return null;
        words = DocText.shellWords(line.substring(at));
        return words.subList(1, words.size());
    }

    private static boolean synopsis(String text) {
        return text.matches(".*(\\[|]|<|\\{|\\.\\.\\.).*");
    }

    /** Null when gan accepts the arguments (a synopsis: its commands and option names), else what is wrong. */
    static String check(List<String> args, boolean synopsis, boolean fragment) {
        CommandLine cl = new CommandLine(new Gan(quiet(), quiet(), List.of()));
        CommandSpec spec = cl.getCommandSpec();
        List<String> values = new ArrayList<>();
        String previous = null;
        for (String arg : args) {
            if (arg.matches("<.*") && spec == cl.getCommandSpec()) return null; // gan <command> ...: nothing to check
            if (arg.matches("[\\[(]*-{1,2}[A-Za-z].*")) {
                for (String piece : arg.split("[\\[\\]()|]")) {
                    String name = piece.replaceFirst("=.*", "");
                    if (name.matches("-{1,2}[A-Za-z][\\w-]*") && spec.findOption(name) == null) {
                        return "gan " + spec.qualifiedName().replaceFirst("^gan ?", "") + " has no option " + name;
                    }
                }
            } else if (spec.subcommands().containsKey(arg)) {
                spec = spec.subcommands().get(arg).getCommandSpec();
            } else if (!spec.subcommands().isEmpty() && arg.matches("[a-z][\\w-]*")) {
                return "'" + spec.qualifiedName() + "' has no command " + arg;
            }
            OptionSpec option = previous == null ? null : spec.findOption(previous);
            values.add(option != null && numeric(option) && PLACEHOLDER.matcher(arg).matches() ? "1" : arg);
            previous = arg.startsWith("-") ? arg : null;
        }
        if (synopsis) return null;
        try {
            new CommandLine(new Gan(quiet(), quiet(), List.of())).parseArgs(values.toArray(String[]::new));
            return null;
        } catch (CommandLine.MissingParameterException e) {
            return fragment ? null : e.getMessage();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static boolean numeric(OptionSpec option) {
        Class<?> t = option.typeInfo().isCollection() || option.typeInfo().isArray()
                ? option.typeInfo().getAuxiliaryTypeInfos().get(0).getType() : option.type();
        return t.isPrimitive() && t != boolean.class || Number.class.isAssignableFrom(t);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
