package dev.gan.model;

/**
 * What the two networks must agree on with the data: image channels and size, latent size, and the number of
 * classes (0 for an unconditional GAN). Stored in checkpoints so that sampling needs no dataset.
 */
public record GanShape(int channels, int size, int latentSize, int numClasses) {
    public boolean conditional() {
        return numClasses > 0;
    }
}
