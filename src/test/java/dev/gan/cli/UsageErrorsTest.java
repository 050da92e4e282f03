package dev.gan.cli;

import dev.gan.TestRuns;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mistyped commands and options, and command groups without their command: picocli's suggestion, exit 2. */
class UsageErrorsTest {
    @Test
    void mistypedCommandGetsASuggestion() {
        assertUsageError(gan("trian"), "Unmatched argument at index 0: 'trian'", "Did you mean: gan train?",
                "See 'gan --help'.");
        assertUsageError(gan("data", "pakc"), "Unmatched argument at index 1: 'pakc'", "Did you mean: data pack?",
                "See 'gan data --help'.");
    }

    @Test
    void mistypedOptionGetsASuggestion() {
        assertUsageError(gan("train", "--confg", "x.yaml"), "Unknown options: '--confg', 'x.yaml'",
                "Possible solutions: --config", "See 'gan train --help'.");
        assertUsageError(gan("--verbos"), "Unknown option: '--verbos'", "Possible solutions: --verbose, --version",
                "See 'gan --help'.");
    }

    @Test
    void nothingCloseGetsNoSuggestion() {
        assertUsageError(gan("train", "--zzzzzz"), "Unknown option: '--zzzzzz'", "See 'gan train --help'.");
    }

    @Test
    void bareGroupPrintsItsUsageAsAUsageError() {
        for (String[] args : List.of(new String[]{}, new String[]{"data"}, new String[]{"classifier"})) {
            TestRuns.Result r = gan(args);
            String name = ("gan " + String.join(" ", args)).strip();
            assertEquals(2, r.exit(), r.toString());
            assertEquals("", r.out(), "stdout stays empty for scripts");
            assertTrue(r.err().startsWith("Usage: " + name + " [-hV] [--verbose] [COMMAND]\n"), r.err());
            assertTrue(r.err().contains("Commands:"), r.err());
        }
    }

    @Test
    void helpIsNotAnError() {
        for (String[] args : List.of(new String[]{"--help"}, new String[]{"help"}, new String[]{"data", "--help"})) {
            TestRuns.Result r = gan(args);
            assertEquals(0, r.exit(), r.toString());
            assertEquals("", r.err());
            assertTrue(r.out().startsWith("Usage: gan "), r.out());
        }
    }

    private static void assertUsageError(TestRuns.Result r, String... errLines) {
        assertEquals(2, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertEquals(List.of(errLines), r.err().lines().toList());
    }
}
