package dev.gan.cli;

import dev.gan.TestRuns;
import dev.gan.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gan report} as a user meets it: a run made before reports existed (no report.html) gets one with its state
 * read from log.txt; a run cut off without a closing line says so; a directory that is neither a run nor a sweep is
 * a one-line error naming it.
 */
class ReportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void help() {
        TestRuns.Result r = gan("report", "--help");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("--checkpoint=CKPT|RUN_DIR") && r.out().contains("--sweep=SWEEP_DIR"), r.out());
        assertTrue(gan("--help").out().contains("report"));
    }

    @Test
    void writesTheReportOfAnOlderRunFromItsFiles() throws Exception {
        TestRuns.Result train = gan("train", "--config", TestRuns.tinyConfig(tmp, "old", "").toString());
        assertEquals(0, train.exit(), train.toString());
        Path run = tmp.resolve("runs/old-001");
        Path report = run.resolve(RunReport.FILE);
        String written = Files.readString(report);
        assertTrue(written.contains("<span class=\"state state-done\" id=\"state\">done</span>"));
        Files.delete(report);   // as a run from before reports looks

        TestRuns.Result r = gan("report", run.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("report: " + report + " (done at step 6/6)\n", r.out());
        String html = Files.readString(report);
        assertTrue(html.contains("<span class=\"state state-done\" id=\"state\">done</span>"), html);
        assertTrue(html.contains("src=\"samples/step-000006.png\""));
        assertTrue(html.contains("gan train --config " + tmp.resolve("old.yaml")), "the command line");
        assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "nothing from the network");

        // the last session has no closing line: killed, or still going in another process
        String log = Files.readString(run.resolve("log.txt"));
        Files.writeString(run.resolve("log.txt"), log.substring(0, log.lastIndexOf("done at step")));
        assertEquals("report: " + report + " (incomplete at step 6/6)\n", gan("report", run.toString()).out());
    }

    @Test
    void aFolderThatIsNeitherARunNorASweepIsAUserError() throws Exception {
        TestRuns.Result none = gan("report", "--checkpoint", tmp.resolve("missing").toString());
        assertEquals(2, none.exit());
        assertEquals(tmp.resolve("missing") + ": no such directory; give --checkpoint with a run directory "
                + "(runs/<name>-NNN) or --sweep with a sweep folder (sweeps/<name>-NNN)\n", none.err());

        Files.createDirectories(tmp.resolve("empty"));
        TestRuns.Result empty = gan("report", "--checkpoint", tmp.resolve("empty").toString());
        assertEquals(2, empty.exit());
        assertEquals(tmp.resolve("empty") + ": not a run directory (no log.txt or metrics.csv) nor a sweep folder (no "
                + "sweep.json); give --checkpoint runs/<name>-NNN or --sweep sweeps/<name>-NNN\n", empty.err());
        TestRuns.Result notSweep = gan("report", "--sweep", tmp.resolve("empty").toString());
        assertEquals(2, notSweep.exit());
        assertEquals(tmp.resolve("empty") + ": not a sweep folder (no sweep.json); give sweeps/<name>-NNN, or "
                + "--checkpoint for a run\n", notSweep.err());
        assertFalse(Files.exists(tmp.resolve("empty/report.html")), "nothing is written");
    }
}
