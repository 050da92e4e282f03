package dev.gan.io;

import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * PNG images from network outputs: grids of samples (optionally with a class name left of each row) and single
 * images. Pixels in [-1, 1] map to [0, 255].
 */
public final class ImageGrid {
    /** Pixels between tiles and around the grid. */
    public static final int PAD = 2;
    private static final Color BACKGROUND = new Color(40, 40, 40);

    static {
        // ImageIO buffers each stream write in a temporary file unless told otherwise; images here are small
        ImageIO.setUseCache(false);
    }

    private ImageGrid() {
    }

    /** Width and height in pixels of a grid without row labels. */
    public static int gridSide(int tiles, int imageSize) {
        return tiles * (imageSize + PAD) + PAD;
    }

    /** Lays out the first rows x cols images of {@code images} [N, C, H, W] row by row. */
    public static BufferedImage grid(INDArray images, int rows, int cols, List<String> rowLabels) {
        int c = (int) images.size(1), h = (int) images.size(2), w = (int) images.size(3);
        float[] px = images.dup('c').data().asFloat();
        int labelWidth = 0;
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, Math.min(14, h / 2)));
        if (rowLabels != null && !rowLabels.isEmpty()) {
            BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
            FontMetrics fm = probe.createGraphics().getFontMetrics(font);
            for (String s : rowLabels) labelWidth = Math.max(labelWidth, fm.stringWidth(s));
            labelWidth += 8;
        }
        BufferedImage out = new BufferedImage(labelWidth + cols * (w + PAD) + PAD, rows * (h + PAD) + PAD,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        int per = c * h * w, plane = h * w;
        long n = images.size(0);
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                int i = r * cols + col;
                if (i >= n) break;
                int x0 = labelWidth + PAD + col * (w + PAD), y0 = PAD + r * (h + PAD);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int base = i * per + y * w + x;
                        int red = toByte(px[base]);
                        int green = c == 1 ? red : toByte(px[base + plane]);
                        int blue = c == 1 ? red : toByte(px[base + 2 * plane]);
                        out.setRGB(x0 + x, y0 + y, (red << 16) | (green << 8) | blue);
                    }
                }
            }
        }
        if (labelWidth > 0) {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(font);
            g.setColor(Color.WHITE);
            FontMetrics fm = g.getFontMetrics();
            for (int r = 0; r < rows && r < rowLabels.size(); r++) {
                int y = PAD + r * (h + PAD) + (h + fm.getAscent() - fm.getDescent()) / 2;
                g.drawString(rowLabels.get(r), 4, y);
            }
        }
        g.dispose();
        return out;
    }

    /** One image [C, H, W] or [1, C, H, W]. */
    public static BufferedImage single(INDArray image) {
        INDArray one = image.rank() == 3 ? image.reshape(1, image.size(0), image.size(1), image.size(2)) : image;
        int c = (int) one.size(1), h = (int) one.size(2), w = (int) one.size(3);
        float[] px = one.dup('c').data().asFloat();
        BufferedImage out = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int red = toByte(px[i]);
                int green = c == 1 ? red : toByte(px[i + plane]);
                int blue = c == 1 ? red : toByte(px[i + 2 * plane]);
                if (c == 1) out.getRaster().setSample(x, y, 0, red);
                else out.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
        return out;
    }

    /** [-1, 1] -> [0, 255], rounded and clamped. */
    public static int toByte(float v) {
        int b = Math.round((v + 1f) * 127.5f);
        return b < 0 ? 0 : Math.min(255, b);
    }

    public static void writePng(BufferedImage img, Path file) {
        AtomicFiles.write(file, out -> png(img, out));
    }

    /** For the many images of an export: renamed into place, not synced to disk one by one. */
    public static void writePngUnsynced(BufferedImage img, Path file) {
        AtomicFiles.writeUnsynced(file, out -> png(img, out));
    }

    private static void png(BufferedImage img, java.io.OutputStream out) throws java.io.IOException {
        if (!ImageIO.write(img, "png", out)) throw new java.io.IOException("no PNG writer");
    }
}
