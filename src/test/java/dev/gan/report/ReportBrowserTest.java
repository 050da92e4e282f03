package dev.gan.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gan.TestRuns;
import dev.gan.io.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reports as a person sees them: a tiny run and a tiny sweep trained through the real entry point, their
 * report.html opened from disk in headless Chromium (network unused), and checked there: no script errors and no
 * file that fails to load, the charts hold metrics.csv's numbers, the health watch's warning is marked, the slider
 * changes the grid, the log-scale switch and the sweep table's sorting work. Screenshots go to
 * target/report-screenshots/.
 */
class ReportBrowserTest {
    static final Path SHOTS = Path.of("target/report-screenshots");

    @TempDir
    Path tmp;

    @Test
    void aRunsReportShowsItsCurvesWarningsAndGridsInChromium() throws Exception {
        Chromium.require();   // before training: skip (or fail on CI) at once without a browser
        // a diversity check every 2 steps against 99% of the real spread: the untrained generator trips it at step 2
        Path config = TestRuns.tinyConfig(tmp, "tiny", "watch:\n  window: 2\n  every: 2\n  collapse_ratio: 0.99\n");
        TestRuns.Result r = gan("train", "--config", config.toString());
        assertEquals(0, r.exit(), r.toString());
        Path run = tmp.resolve("runs/tiny-001");
        Path report = run.resolve(RunReport.FILE);
        assertTrue(Files.isRegularFile(report), "training writes report.html");
        Map<String, double[]> metrics = MetricsLog.read(run.resolve("metrics.csv"));

        try (Chromium c = Chromium.start(tmp.resolve("profile"))) {
            c.open(report);
            assertTrue(c.eval("window.ganReport.ready").asBoolean(), "the script ran to its end");
            assertEquals(List.of(), c.errors());
            assertEquals("done", c.eval("document.getElementById('state').textContent").asText());
            assertEquals("step\n6 / 6 (100%)", c.eval("document.querySelector('.facts div').innerText").asText());

            JsonNode losses = c.eval("ganReport.charts.losses.data");
            assertArrayEquals(metrics.get("step"), doubles(losses.get(0)));
            assertArrayEquals(metrics.get("loss_d"), doubles(losses.get(1)));
            assertArrayEquals(metrics.get("loss_g"), doubles(losses.get(2)));
            JsonNode outputs = c.eval("ganReport.charts.d_outputs.data");
            assertArrayEquals(metrics.get("d_x"), doubles(outputs.get(1)));
            assertArrayEquals(metrics.get("d_g_z"), doubles(outputs.get(2)));
            assertEquals("[\"step\",\"loss D\",\"loss G\"]",
                    c.eval("JSON.stringify(ganReport.charts.losses.series.map(s => s.label))").asText());

            // hovering a step shows that row's values in the legend
            double hovered = c.eval("(() => { const u = ganReport.charts.losses; "
                    + "u.setCursor({left: u.valToPos(4, 'x'), top: 20}); "
                    + "return parseFloat(u.root.querySelectorAll('.u-legend .u-value')[1].textContent); })()").asDouble();
            assertEquals(metrics.get("loss_d")[1], hovered, 1e-4 * Math.abs(hovered));

            // the health watch's warning at step 2 is drawn on the curves and listed
            String log = Files.readString(run.resolve("log.txt"));
            assertTrue(log.contains("WARNING: step 2: the fixed-noise samples"), log);
            assertEquals(1, c.eval("ganReport.charts.losses.ganMarkers").asInt());
            assertEquals(1, c.eval("ganReport.charts.d_outputs.ganMarkers").asInt());
            assertTrue(c.eval("document.getElementById('events').textContent").asText().strip()
                    .startsWith("step 2: the fixed-noise samples are nearly alike"));

            // the slider walks the grids: step 6 (the last) first, then step 0
            assertEquals("samples/step-000006.png", c.eval("document.getElementById('grid').getAttribute('src')").asText());
            c.eval("(() => { const s = document.getElementById('slider'); s.value = 0; "
                    + "s.dispatchEvent(new Event('input')); })()");
            assertEquals("samples/step-000000.png", c.eval("document.getElementById('grid').getAttribute('src')").asText());
            assertEquals("0", c.eval("document.getElementById('slider-step').textContent").asText());
            assertTrue(c.eval("new Promise(done => { const i = document.getElementById('grid'); "
                    + "if (i.complete) done(i.naturalWidth); else i.onload = () => done(i.naturalWidth); })").asInt() > 0,
                    "the grid image loads");
            assertTrue(c.eval("document.getElementById('reals').naturalWidth").asInt() > 0);
            assertEquals(3, c.eval("ganReport.data.samples.length").asInt());

            // log scale: the losses are positive, so the switch is there and rebuilds the chart
            c.eval("document.querySelector('#chart-losses .log-scale').click()");
            assertEquals(3, c.eval("ganReport.charts.losses.scales.y.distr").asInt());
            assertArrayEquals(metrics.get("loss_g"), doubles(c.eval("ganReport.charts.losses.data").get(2)));
            assertTrue(c.eval("document.getElementById('config').textContent").asText().contains("latent_size: 16"));
            assertEquals(List.of(), c.errors());
            c.screenshot(SHOTS.resolve("run-report.png"), 1200);

            // evaluation during training adds columns (and rows) to metrics.csv: they get charts, the best FID marked
            addEvalRows(run.resolve("metrics.csv"));
            assertEquals(0, gan("report", run.toString()).exit());
            c.open(report);
            assertEquals(List.of(), c.errors());
            assertEquals("[[4,6],[31.5,27.25]]", c.eval("JSON.stringify(ganReport.charts.fid.data)").asText());
            assertEquals("{\"step\":6,\"value\":27.25}", c.eval("JSON.stringify(ganReport.best)").asText());
            assertEquals(1, c.eval("ganReport.charts.fid.ganMarkers").asInt());
            assertEquals("[[4,6],[0.5,0.625],[0.25,0.375]]",
                    c.eval("JSON.stringify(ganReport.charts.shares.data)").asText());
            assertArrayEquals(metrics.get("loss_d"), doubles(c.eval("ganReport.charts.losses.data").get(1)),
                    "evaluation rows leave the training curves alone");
        }
    }

    /** Evaluation rows at steps 4 and 6, as EvalListener writes them: step, epoch and the scores, losses empty. */
    private static void addEvalRows(Path csv) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        lines.set(0, lines.get(0) + ",fid,precision,recall");
        for (int i = 1; i < lines.size(); i++) lines.set(i, lines.get(i) + ",,,");
        lines.add("4,0,,,,,,,,31.5,0.5,0.25");
        lines.add("6,0,,,,,,,,27.25,0.625,0.375");
        Files.write(csv, lines);
    }

    @Test
    void aSweepsReportComparesItsRunsInChromium() throws Exception {
        Chromium.require();
        Path plan = tmp.resolve("two.yaml");
        Files.writeString(plan, """
                name: two
                sweeps_dir: %s
                base:
                  seed: 7
                  data: {images: data/fashion-mnist/t10k-images-idx3-ubyte.gz, limit: 128}
                  model: {latent_size: 16, g_width: 8, d_width: 8}
                  training: {batch_size: 16, steps: 6}
                  output: {log_every: 2, sample_every: 3, checkpoint_every: 3, keep_checkpoints: 2, grid_size: 4}
                grid:
                  training.g.lr: [1.0e-4, 2.0e-4]
                """.formatted(tmp.resolve("sweeps")));
        TestRuns.Result r = gan("sweep", "--plan", plan.toString(), "--parallel", "2");
        assertEquals(0, r.exit(), r.toString());
        Path sweep = tmp.resolve("sweeps/two-001");
        Path report = sweep.resolve(RunReport.FILE);
        assertTrue(Files.isRegularFile(report), "the sweep writes report.html");
        for (String run : List.of("001_lr-0.0001", "002_lr-0.0002")) {
            assertTrue(Files.isRegularFile(sweep.resolve(run).resolve(RunReport.FILE)), run + " has its own report");
        }

        try (Chromium c = Chromium.start(tmp.resolve("profile"))) {
            c.open(report);
            assertTrue(c.eval("window.ganReport.ready").asBoolean());
            assertEquals(List.of(), c.errors());
            assertEquals("[\"001_lr-0.0001\",\"002_lr-0.0002\"]", runOrder(c));
            assertEquals("[\"001_lr-0.0001/report.html\",\"002_lr-0.0002/report.html\"]", c.eval(
                    "JSON.stringify([...document.querySelectorAll('#runs tbody a')].map(a => a.getAttribute('href')))")
                    .asText());
            assertEquals("[\"done\",\"done\"]", c.eval("JSON.stringify([...document.querySelectorAll('#runs tbody tr')]"
                    + ".map(tr => tr.cells[1].textContent))").asText());
            // the table sorts by a clicked column, numbers as numbers, and reverses on a second click
            c.eval("[...document.querySelectorAll('#runs th')].find(th => th.textContent === 'training.g.lr').click()");
            assertEquals("[\"001_lr-0.0001\",\"002_lr-0.0002\"]", runOrder(c));
            c.eval("[...document.querySelectorAll('#runs th')].find(th => th.textContent === 'training.g.lr').click()");
            assertEquals("[\"002_lr-0.0002\",\"001_lr-0.0001\"]", runOrder(c));

            // the final grids, each run's last step, all loaded
            assertEquals(2,
                    c.eval("document.querySelectorAll('#final-grids img').length").asInt());
            assertEquals(0, c.eval("[...document.querySelectorAll('#final-grids img')].filter(i => !i.naturalWidth)"
                    + ".length").asInt());
            // curves overlaid: one series per run, holding each run's metrics.csv
            JsonNode lossG = c.eval("ganReport.charts.loss_g.data");
            assertEquals(3, lossG.size());
            assertArrayEquals(MetricsLog.read(sweep.resolve("001_lr-0.0001/metrics.csv")).get("loss_g"), doubles(lossG.get(1)));
            assertArrayEquals(MetricsLog.read(sweep.resolve("002_lr-0.0002/metrics.csv")).get("loss_g"), doubles(lossG.get(2)));
            c.screenshot(SHOTS.resolve("sweep-report.png"), 1200);

            // a run's link opens its report, which also renders cleanly
            c.open(sweep.resolve("002_lr-0.0002").resolve(RunReport.FILE));
            assertTrue(c.eval("window.ganReport.ready").asBoolean());
            assertEquals("002_lr-0.0002", c.eval("ganReport.data.name").asText());
            assertEquals(List.of(), c.errors());
        }
    }

    private static String runOrder(Chromium c) throws Exception {
        return c.eval("JSON.stringify([...document.querySelectorAll('#runs tbody tr')].map(tr => tr.cells[0].textContent))")
                .asText();
    }

    private static double[] doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(v -> out.add(v.isNull() ? Double.NaN : v.asDouble()));
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
