package dev.gan.augment;

import dev.gan.io.ImageGrid;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code augment.png}: test accuracy against synthetic images per class, with error bars of one standard deviation
 * over the repeats. One solid line per real size N (its point at 0 is the real-only classifier), a dashed line
 * across the chart for the same N with flips/shifts (the cheap alternative to beat), and one line for the
 * classifiers trained on synthetic images alone.
 */
final class AugmentPlot {
    private static final int WIDTH = 900, HEIGHT = 560;
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[]{6f, 4f}, 0f);

    private AugmentPlot() {
    }

    static void write(AugmentReport report, Path png) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Does adding synthetic images help? (mean ± sd over repeats)")
                .xAxisTitle("synthetic images per class").yAxisTitle("test accuracy on held-out real images").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        List<Integer> ms = report.synthetic();
        double maxX = ms.isEmpty() ? 1 : ms.get(ms.size() - 1);
        for (int n : report.real()) {
            List<Row> mixed = report.rows().stream().filter(r -> r.real() == n
                    && (r.arm() == Row.Arm.REAL || r.arm() == Row.Arm.MIXED)).toList();
            chart.addSeries(n + " real/class + synthetic", x(mixed), mean(mixed), sd(mixed))
                    .setMarker(SeriesMarkers.CIRCLE);
            Row classic = report.rows().stream().filter(r -> r.real() == n && r.arm() == Row.Arm.CLASSIC)
                    .findFirst().orElseThrow();
            double c = classic.accuracy().mean();
            chart.addSeries(n + " real/class + flips/shifts", new double[]{0, maxX}, new double[]{c, c})
                    .setMarker(SeriesMarkers.NONE).setLineStyle(DASHED);
        }
        List<Row> synth = report.rows().stream().filter(r -> r.arm() == Row.Arm.SYNTHETIC).toList();
        if (!synth.isEmpty()) {
            chart.addSeries("synthetic only (CAS)", x(synth), mean(synth), sd(synth)).setMarker(SeriesMarkers.DIAMOND);
        }
        ImageGrid.writePng(BitmapEncoder.getBufferedImage(chart), png);
    }

    private static double[] x(List<Row> rows) {
        return rows.stream().mapToDouble(Row::synthetic).toArray();
    }

    private static double[] mean(List<Row> rows) {
        return rows.stream().mapToDouble(r -> r.accuracy().mean()).toArray();
    }

    /** One standard deviation; 0 (no bar) with a single repeat. */
    private static double[] sd(List<Row> rows) {
        return rows.stream().mapToDouble(r -> Double.isNaN(r.accuracy().sd()) ? 0 : r.accuracy().sd()).toArray();
    }
}
