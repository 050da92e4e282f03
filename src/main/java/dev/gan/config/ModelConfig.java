package dev.gan.config;

import java.util.List;

/**
 * The generator and discriminator.
 *
 * @param type       {@code dcgan} (unconditional) or {@code cgan} (class-conditional: G and D also get the label)
 * @param latentSize length of the noise vector z
 * @param gWidth     generator width: channels of its last hidden layer; earlier layers double it
 * @param dWidth     discriminator width: channels of its first layer; later layers double it
 * @param batchNorm  BatchNorm in G (all hidden layers) and D (all but the first), as in the DCGAN paper
 * @param numClasses {@code cgan}: number of classes; 0 takes it from the dataset, any other value must match it
 * @param dBatchNorm BatchNorm in D (when batch_norm is on); off, D scores each image on its own instead of
 *                   relative to the rest of its batch
 * @param dDropout   dropout probability after each of D's hidden layers (0 = none)
 * @param dMinibatchStddev append the minibatch standard deviation feature map before D's output (ProGAN), so D can
 *                   tell a low-variety fake batch from a real one
 * @param clusters   {@code dcgan}: condition G and D on k-means clusters of the training images (a self-conditioned
 *                   GAN: unsupervised, no labels used); 0 = plain DCGAN
 * @param arch       the network family: {@code dcgan} (strided (transposed) convolutions, the DCGAN paper) or
 *                   {@code resnet} (SNGAN/BigGAN residual blocks, global sum pooling in D)
 * @param conditioning how a conditional model (cgan, or clusters) sees the class: {@code concat} (one-hot label
 *                   appended to z, label maps as extra D input channels) or {@code projection} (conditional
 *                   BatchNorm in G, a projection discriminator)
 * @param gConditioning how G sees the class, when it should differ from what {@code conditioning} implies (StudioGAN
 *                   sets G's and D's separately: g_cond_mtd, d_cond_mtd): {@code auto} (concat for concat,
 *                   cbn for projection), {@code concat} (one-hot label appended to z), {@code cbn} (conditional
 *                   BatchNorm) or {@code concat+cbn} (both). D follows {@code conditioning} alone
 * @param spectralNorm spectral normalisation (Miyato et al. 2018) of the conv, transposed-conv and dense weights:
 *                   {@code none}, {@code d} (the discriminator's, as SNGAN) or {@code gd} (both networks', as SAGAN
 *                   and BigGAN)
 */
public record ModelConfig(String type, int latentSize, int gWidth, int dWidth, boolean batchNorm, int numClasses,
                          boolean dBatchNorm, double dDropout, boolean dMinibatchStddev, int clusters, String arch,
                          String conditioning, String gConditioning, String spectralNorm) {

    public static final List<String> TYPES = List.of("dcgan", "cgan");
    /** Image sizes with a DCGAN architecture: 28 (MNIST-like, 7 -> 14 -> 28) and powers of two from 4x4. */
    public static final List<Integer> SUPPORTED_SIZES = List.of(28, 32, 64, 128);
    public static final List<String> ARCHS = List.of("dcgan", "resnet");
    public static final List<String> CONDITIONINGS = List.of("concat", "projection");
    /** model.g_conditioning's values: auto follows model.conditioning (concat, or cbn with projection). */
    public static final List<String> G_CONDITIONINGS = List.of("auto", "concat", "cbn", "concat+cbn");
    /** model.spectral_norm's values: no network, the discriminator, or the generator and the discriminator. */
    public static final List<String> SPECTRAL_NORMS = List.of("none", "d", "gd");

    public static ModelConfig defaults() {
        return new ModelConfig("dcgan", 100, 64, 64, true, 0, true, 0.0, false, 0, "dcgan", "concat", "auto", "none");
    }

    void validate(String at, Problems p) {
        p.check(TYPES.contains(type), at + ".type", "must be one of " + TYPES, type);
        p.check(latentSize >= 1 && latentSize <= 4096, at + ".latent_size", "must be between 1 and 4096", latentSize);
        p.check(gWidth >= 1 && gWidth <= 1024, at + ".g_width", "must be between 1 and 1024", gWidth);
        p.check(dWidth >= 1 && dWidth <= 1024, at + ".d_width", "must be between 1 and 1024", dWidth);
        p.check(dDropout >= 0 && dDropout < 1, at + ".d_dropout", "must be >= 0 and < 1 (a drop probability)", dDropout);
        p.check(clusters == 0 || clusters >= 2 && clusters <= 100, at + ".clusters",
                "must be 0 (plain DCGAN) or between 2 and 100", clusters);
        if (clusters > 0 && "cgan".equals(type)) {
            p.add(at + ".clusters", at + ".clusters is for model.type dcgan (a cgan is conditioned on its labels): "
                    + "set it to 0, or use model.type dcgan");
        }
        p.check(SPECTRAL_NORMS.contains(spectralNorm), at + ".spectral_norm", "must be one of " + SPECTRAL_NORMS,
                spectralNorm);
        if (spectralNormD() && "dcgan".equals(arch) && batchNorm && dBatchNorm) {
            // BatchNorm divides by the batch's spread, which is not 1-Lipschitz: it undoes the bound SN puts on D.
            // SNGAN's D has no BatchNorm, and StudioGAN's DCGAN drops D's BatchNorm when it applies SN.
            p.add(at + ".spectral_norm", at + ".spectral_norm " + spectralNorm + " bounds D's layers, but BatchNorm in D "
                    + "rescales their outputs by the batch and undoes that bound: set " + at + ".d_batch_norm to false "
                    + "(SNGAN's D has no BatchNorm)");
        }
        p.check(ARCHS.contains(arch), at + ".arch", "must be one of " + ARCHS, arch);
        p.check(CONDITIONINGS.contains(conditioning), at + ".conditioning", "must be one of " + CONDITIONINGS, conditioning);
        if ("projection".equals(conditioning) && !"cgan".equals(type) && clusters == 0) {
            p.add(at + ".conditioning", at + ".conditioning projection needs classes: use model.type cgan or "
                    + "model.clusters > 0, or set it to concat");
        }
        p.check(G_CONDITIONINGS.contains(gConditioning), at + ".g_conditioning", "must be one of " + G_CONDITIONINGS,
                gConditioning);
        boolean auto = "auto".equals(gConditioning);
        if (!auto && G_CONDITIONINGS.contains(gConditioning) && !"cgan".equals(type) && clusters == 0) {
            p.add(at + ".g_conditioning", at + ".g_conditioning " + gConditioning + " needs classes: use model.type "
                    + "cgan or model.clusters > 0, or set it to auto");
        }
        if (generatorCbn() && !batchNorm) {
            String key = auto ? at + ".conditioning" : at + ".g_conditioning";
            p.add(key, key + " " + (auto ? conditioning : gConditioning) + " conditions G through its BatchNorms, and "
                    + at + ".batch_norm is false: set " + at + ".batch_norm to true, or " + at
                    + ".g_conditioning to concat");
        }
        if ("resnet".equals(arch) && dDropout > 0) {
            p.add(at + ".d_dropout", at + ".d_dropout is for model.arch dcgan (the ResNet D has no dropout): set it "
                    + "to 0, or use model.arch dcgan");
        }
        p.check(numClasses >= 0 && numClasses <= 1000, at + ".num_classes", "must be between 0 and 1000 (0 = from the dataset)", numClasses);
    }

    /** D takes the class as a one-hot vector (projection discriminator) rather than as one-hot label maps. */
    public boolean discriminatorProjection() {
        return "projection".equals(conditioning);
    }

    /** G gets the one-hot label appended to z. */
    public boolean generatorConcat() {
        return "auto".equals(gConditioning) ? !discriminatorProjection() : gConditioning.contains("concat");
    }

    /** G's BatchNorms are conditional on the class. */
    public boolean generatorCbn() {
        return "auto".equals(gConditioning) ? discriminatorProjection() : gConditioning.contains("cbn");
    }

    /** Spectral norm on the discriminator's layers. */
    public boolean spectralNormD() {
        return "d".equals(spectralNorm) || "gd".equals(spectralNorm);
    }

    /** Spectral norm on the generator's layers. */
    public boolean spectralNormG() {
        return "gd".equals(spectralNorm);
    }
}
