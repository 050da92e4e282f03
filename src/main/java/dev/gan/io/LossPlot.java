package dev.gan.io;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code loss.png}: the losses of D and G over steps above D's outputs on real and generated images, drawn from
 * {@code metrics.csv} so that the plot and the file never disagree. Extra charts (evaluation metrics) are stacked
 * below when their columns exist.
 */
public final class LossPlot {
    private static final int WIDTH = 900, HEIGHT = 320;

    private LossPlot() {
    }

    /** A chart: title, y-axis label and the metric columns to draw. */
    public record Panel(String title, String yLabel, List<String> columns) {
    }

    public static final List<Panel> TRAINING = training("mean probability \"real\"");

    /** The augmentation probability (training.augment_p), drawn when the file has it. */
    public static final Panel AUGMENT_P = new Panel("Augmentation probability", "p", List.of("augment_p"));

    /** The losses, then D's outputs with {@code dOutputs} saying what they are (they depend on training.loss). */
    public static List<Panel> training(String dOutputs) {
        return List.of(new Panel("Losses", "loss", List.of("loss_d", "loss_g")),
                new Panel("Discriminator outputs", dOutputs, List.of("d_x", "d_g_z")));
    }

    public static void write(Path metricsCsv, Path png, List<Panel> panels) {
        Map<String, double[]> cols = MetricsLog.read(metricsCsv);
        double[] steps = cols.get("step");
        if (steps == null || steps.length == 0) return;
        List<BufferedImage> charts = new ArrayList<>();
        for (Panel p : panels) {
            XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(p.title()).xAxisTitle("step")
                    .yAxisTitle(p.yLabel()).build();
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            chart.getStyler().setMarkerSize(0);
            boolean any = false;
            for (String c : p.columns()) {
                double[] ys = cols.get(c);
                if (ys == null) continue;
                List<Double> xs = new ArrayList<>(), vs = new ArrayList<>();
                for (int i = 0; i < ys.length; i++) {
                    if (Double.isFinite(ys[i])) {
                        xs.add(steps[i]);
                        vs.add(ys[i]);
                    }
                }
                if (xs.isEmpty()) continue;
                chart.addSeries(c, xs, vs).setMarker(SeriesMarkers.NONE);
                any = true;
            }
            if (any) charts.add(BitmapEncoder.getBufferedImage(chart));
        }
        if (charts.isEmpty()) return;
        BufferedImage out = new BufferedImage(WIDTH, HEIGHT * charts.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        for (int i = 0; i < charts.size(); i++) g.drawImage(charts.get(i), 0, i * HEIGHT, null);
        g.dispose();
        ImageGrid.writePng(out, png);
    }
}
