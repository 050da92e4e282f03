package dev.gan.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One user document (README.md or docs/*.md) split the way DocsTest reads it: code blocks (fenced or indented by
 * four spaces after a blank line) versus prose, inline code spans of the prose, and shell words of a command line.
 */
record DocText(Path file, List<String> lines, List<Boolean> code) {
    /** A piece of text and the 1-based line it starts on, for failure messages. */
    record At(String text, int line) {
    }

    /** README.md and every docs/*.md under the repository root. */
    static List<DocText> userDocs(Path root) throws IOException {
        List<DocText> docs = new ArrayList<>();
        docs.add(read(root.resolve("README.md")));
        try (Stream<Path> s = Files.list(root.resolve("docs"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".md")).sorted().toList()) docs.add(read(p));
        }
        return docs;
    }

    static DocText read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Boolean> code = new ArrayList<>();
        boolean fenced = false, indented = false;
        String previous = "";
        for (String line : lines) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                code.add(true);
            } else if (fenced) {
                code.add(true);
            } else {
                // a blank line inside an indented block ends it here, and the next indented line starts a new one
                indented = line.startsWith("    ") && (previous.isBlank() || indented);
                code.add(indented);
            }
            previous = line;
        }
        return new DocText(file, lines, code);
    }

    /** Where a failure is: {@code docs/x.md:12}. */
    String where(int line) {
        Path parent = file.toAbsolutePath().getParent();
        String dir = parent.getFileName().toString();
        return (dir.equals("docs") || dir.equals("configs") ? dir + "/" : dir.equals("sweeps") ? "configs/sweeps/" : "")
                + file.getFileName() + ":" + line;
    }

    /** Every line with its number, code and prose alike. */
    List<At> allLines() {
        List<At> all = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) all.add(new At(lines.get(i), i + 1));
        return all;
    }

    /** Code-block lines, each joined with the lines its trailing backslashes continue onto. */
    List<At> codeLines() {
        List<At> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!code.get(i)) continue;
            int start = i;
            StringBuilder joined = new StringBuilder(lines.get(i).strip());
            while (joined.toString().endsWith("\\") && i + 1 < lines.size() && code.get(i + 1)) {
                joined.setLength(joined.length() - 1);
                joined.append(' ').append(lines.get(++i).strip());
            }
            out.add(new At(joined.toString(), start + 1));
        }
        return out;
    }

    private static final Pattern SPAN = Pattern.compile("(?<!`)`([^`]+)`(?!`)");

    /** Inline code spans of the prose; a span may run over a line break within a paragraph. */
    List<At> inlineSpans() {
        List<At> spans = new ArrayList<>();
        StringBuilder para = new StringBuilder();
        List<Integer> starts = new ArrayList<>();
        int first = -1;
        for (int i = 0; i <= lines.size(); i++) {
            boolean prose = i < lines.size() && !code.get(i) && !lines.get(i).isBlank();
            if (prose) {
                if (first < 0) first = i;
                starts.add(para.length());
                para.append(lines.get(i)).append('\n');
                continue;
            }
            Matcher m = SPAN.matcher(para);
            while (m.find()) {
                int line = first;
                for (int k = 0; k < starts.size(); k++) if (starts.get(k) <= m.start()) line = first + k;
                spans.add(new At(m.group(1).replace('\n', ' ').replace("\\|", "|"), line + 1));
            }
            para.setLength(0);
            starts.clear();
            first = -1;
        }
        return spans;
    }

    /**
     * The words of a shell command line: quotes removed, a {@code #} comment dropped, and cut at the first {@code ;},
     * {@code &&}, {@code ||}, a pipe or a redirection, which end the command the words belong to.
     */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else w.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord && end(words, w)) return words;
                inWord = false;
            } else if (c == '#' && !inWord) {
                break;
            } else if (c == ';' || (c == '>' && !inWord)) {
                if (inWord) end(words, w);
                return words;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) end(words, w);
        return words;
    }

    /** Adds the word; true when it is an operator that ends the command (then it is not added). */
    private static boolean end(List<String> words, StringBuilder w) {
        String word = w.toString();
        w.setLength(0);
        if (List.of("&&", "||", "|", "&", ")").contains(word) || word.startsWith(">") || word.startsWith("2>")) {
            return true;
        }
        words.add(word.endsWith(")") && !word.contains("(") ? word.substring(0, word.length() - 1) : word);
        return word.endsWith(")") && !word.contains("(");
    }
}
