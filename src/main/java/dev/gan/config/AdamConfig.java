package dev.gan.config;

/**
 * Adam settings of one network. DCGAN's values (lr 2e-4, beta1 0.5) are the defaults.
 *
 * @param lr    learning rate
 * @param beta1 first-moment decay; 0.5 rather than Adam's 0.9 keeps GAN training stable
 * @param beta2 second-moment decay
 */
public record AdamConfig(double lr, double beta1, double beta2) {

    public static AdamConfig defaults() {
        return new AdamConfig(2e-4, 0.5, 0.999);
    }

    void validate(String at, Problems p) {
        p.check(lr > 0 && lr < 1, at + ".lr", "must be > 0 and < 1", lr);
        p.check(beta1 >= 0 && beta1 < 1, at + ".beta1", "must be >= 0 and < 1", beta1);
        p.check(beta2 >= 0 && beta2 < 1, at + ".beta2", "must be >= 0 and < 1", beta2);
    }
}
