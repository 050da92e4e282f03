package dev.gan.model;

/**
 * What the two networks must agree on with the data: image channels and size, latent size, the number of
 * classes (0 for an unconditional GAN) and how D takes the class. Stored in checkpoints so that sampling needs no
 * dataset.
 *
 * @param channels   image channels, 1 or 3
 * @param size       image side in pixels
 * @param latentSize length of z
 * @param numClasses classes of a conditional model, 0 = unconditional
 * @param projection D takes the class as a one-hot vector (projection discriminator, model.conditioning
 *                   projection) instead of one-hot label maps; absent (false) in checkpoints written before it
 */
public record GanShape(int channels, int size, int latentSize, int numClasses, boolean projection) {
    public GanShape {
        projection = projection && numClasses > 0;
    }

    /** A shape whose conditional D (if any) takes label maps: the concat conditioning. */
    public GanShape(int channels, int size, int latentSize, int numClasses) {
        this(channels, size, latentSize, numClasses, false);
    }

    public boolean conditional() {
        return numClasses > 0;
    }
}
