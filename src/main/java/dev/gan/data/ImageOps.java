package dev.gan.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Conversions between {@link BufferedImage}s and the C x H x W unsigned-byte layout of {@link ImageSet}. */
public final class ImageOps {
    private ImageOps() {
    }

    /**
     * Centre-crops {@code img} to a square, resizes it to {@code size} (bilinear, or area-averaging when shrinking a
     * lot) and writes it as {@code channels} (1 = luminance, 3 = RGB) planes into {@code out} at {@code offset}.
     */
    public static void toChw(BufferedImage img, int size, int channels, byte[] out, int offset) {
        BufferedImage src = asRgb(img);
        int w = src.getWidth(), h = src.getHeight(), side = Math.min(w, h);
        BufferedImage square = src.getSubimage((w - side) / 2, (h - side) / 2, side, side);
        BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        try {
            if (side >= 2 * size) {
                // bilinear from far larger images aliases; area averaging does not
                g.drawImage(square.getScaledInstance(size, size, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
            } else {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(square, 0, 0, size, size, null);
            }
        } finally {
            g.dispose();
        }
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = scaled.getRGB(x, y);
                int r = (rgb >> 16) & 0xff, gr = (rgb >> 8) & 0xff, b = rgb & 0xff;
                int i = y * size + x;
                if (channels == 1) {
                    out[offset + i] = (byte) Math.round(0.299 * r + 0.587 * gr + 0.114 * b);
                } else {
                    out[offset + i] = (byte) r;
                    out[offset + plane + i] = (byte) gr;
                    out[offset + 2 * plane + i] = (byte) b;
                }
            }
        }
    }

    /**
     * The image as 8-bit sRGB. Grayscale, 16-bit, palette and alpha images are drawn into an RGB canvas first: the
     * area-averaging scaler reads pixels through {@code getRGB}, which gamma-brightens linear-gray images (a grey of
     * 20 came out as 79), whereas {@code drawImage} keeps their values. Transparent pixels become black.
     */
    static BufferedImage asRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) return img;
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(img, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    /** One C x H x W image of unsigned bytes as a {@link BufferedImage} (grey for C = 1, RGB for C = 3). */
    public static BufferedImage fromChw(byte[] src, int offset, int channels, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                int r = src[offset + i] & 0xff;
                int g = channels == 1 ? r : src[offset + plane + i] & 0xff;
                int b = channels == 1 ? r : src[offset + 2 * plane + i] & 0xff;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }
}
