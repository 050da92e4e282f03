package dev.gan.sample;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Class names come from a checkpoint anyone may have written: as folder names they must stay inside the export. */
class OutputFilesTest {
    @Test
    void classNamesBecomePlainFolderNames() {
        assertEquals("T-shirt_top", OutputFiles.safeName("T-shirt/top"));
        assertEquals(".._.._etc", OutputFiles.safeName("../../etc"));
        assertEquals("_..", OutputFiles.safeName(".."));
        assertEquals("_.", OutputFiles.safeName("."));
        assertEquals("_", OutputFiles.safeName(""));
        assertEquals("a_b_c", OutputFiles.safeName("a\\b:c"));
        assertEquals("Ankle boot", OutputFiles.safeName("Ankle boot"));
        assertEquals("Käfer", OutputFiles.safeName("Käfer"));
    }

    @Test
    void clashingNamesGetTheirIndex() {
        assertEquals(List.of("a_b", "a_b-1", "A_B-2", "c"), OutputFiles.classFolders(List.of("a/b", "a_b", "A_B", "c")));
    }
}
