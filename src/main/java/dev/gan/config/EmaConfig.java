package dev.gan.config;

/**
 * training.ema: an exponential moving average of the generator's weights (StyleGAN2-ADA's G_ema), which sample
 * grids, evaluation, best.zip, gan sample and gan eval use instead of the trained generator. A section of two keys
 * rather than two flat ones because they only mean something together, as training.g's Adam settings do; kimg 0 is
 * off. StyleGAN2-ADA's formula: after each generator update, beta = 0.5^(batch_size / n) with
 * n = min(kimg * 1000, images_so_far * rampup), and G_ema = G + (G_ema - G) * beta.
 *
 * @param kimg   half-life of the average in thousands of generated images (generator updates x batch size);
 *               0 = no EMA generator. StyleGAN2-ADA's 'auto' value is batch_size * 10 / 32 (20 at batch 64)
 * @param rampup during the first steps the half-life is at most this share of the images seen so far, so that the
 *               average does not drag along the random initial weights; 0 = no ramp-up
 */
public record EmaConfig(double kimg, double rampup) {

    public static EmaConfig defaults() {
        return new EmaConfig(0, 0.05);
    }

    /** Whether there is an EMA generator at all. */
    public boolean on() {
        return kimg > 0;
    }

    void validate(String at, Problems p) {
        p.check(kimg >= 0 && kimg <= 100_000, at + ".kimg",
                "must be between 0 and 100000 (thousands of images; 0 = no EMA generator)", kimg);
        p.check(rampup >= 0 && rampup <= 1, at + ".rampup",
                "must be between 0 and 1 (a share of the images seen so far; 0 = no ramp-up)", rampup);
    }
}
