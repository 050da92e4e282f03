package dev.gan.config;

/**
 * One training experiment, as resolved from a YAML/JSON file plus {@code --set} overrides.
 * Keys in files are the snake_case forms of these component names ({@code latent_size} for {@code latentSize}).
 *
 * @param name     run name; the run directory is {@code <output.runs_dir>/<name>-NNN}
 * @param seed     seeds weight init, data order, training noise and the fixed sample noise
 * @param data     what to train on
 * @param model    the two networks
 * @param training optimisation
 * @param output   what the run writes and how often
 * @param watch    the training health watch (divergence, saturated discriminator, mode collapse)
 */
public record ExperimentConfig(String name, long seed, DataConfig data, ModelConfig model, TrainingConfig training,
                               OutputConfig output, WatchConfig watch) {

    public static ExperimentConfig defaults() {
        return new ExperimentConfig("dcgan", 42, DataConfig.defaults(), ModelConfig.defaults(),
                TrainingConfig.defaults(), OutputConfig.defaults(), WatchConfig.defaults());
    }

    void validate(Problems p) {
        p.check(name != null && name.matches("[A-Za-z0-9._-]+"), "name",
                "must be letters, digits, '.', '_' or '-' (it names the run directory)", name);
        data.validate("data", p);
        model.validate("model", p);
        training.validate("training", p);
        output.validate("output", p);
        watch.validate("watch", p);
        // cross-section rules
        if (!ModelConfig.SUPPORTED_SIZES.contains(data.imageSize())) {
            p.check(false, "data.image_size", "must be one of " + ModelConfig.SUPPORTED_SIZES
                    + " (the sizes the model builders know)", data.imageSize());
        }
        validateR1(p);
        if ("cgan".equals(model.type()) && "idx".equals(data.format()) && (data.labels() == null || data.labels().isBlank())) {
            p.add("data.labels", "data.labels is required when model.type is cgan (an IDX label file, e.g. "
                    + "data/fashion-mnist/t10k-labels-idx1-ubyte.gz)");
        }
    }

    /**
     * R1 penalises each real image's own input gradient, computed by a finite difference of D's parameter gradient
     * that is exact for a D that is linear between its LeakyReLU kinks (dev.gan.step.R1Penalty): BatchNorm and the
     * minibatch-stddev feature mix the batch into it, and dropout would draw another D for each side.
     */
    private void validateR1(Problems p) {
        if (training.r1Gamma() <= 0) return;
        if (model.batchNorm() && model.dBatchNorm()) {
            p.add("training.r1_gamma", "training.r1_gamma needs a discriminator without BatchNorm (R1 penalises each "
                    + "real image's own gradient; BatchNorm mixes the batch into it): set model.d_batch_norm=false, or "
                    + "training.r1_gamma=0");
        }
        if (model.dMinibatchStddev()) {
            p.add("training.r1_gamma", "training.r1_gamma does not work with model.d_minibatch_stddev (R1's finite "
                    + "difference needs a D that is linear between its LeakyReLU kinks): set model.d_minibatch_stddev="
                    + "false, or training.r1_gamma=0");
        }
        if (model.dDropout() > 0) {
            p.add("training.r1_gamma", "training.r1_gamma does not work with model.d_dropout (R1's finite difference "
                    + "needs the same D on both sides): set model.d_dropout=0, or training.r1_gamma=0");
        }        // R1's extra passes of D were built and checked for the DCGAN D without spectral norm; the power iteration
        // of spectral norm and the ResNet/projection graphs' frozen-mask passes are not yet held to a reference
        if (model.spectralNormD()) {
            p.add("training.r1_gamma", "training.r1_gamma does not work with model.spectral_norm " + model.spectralNorm()
                    + " yet (R1's passes of D are not held to a reference under spectral norm): use one of the two, "
                    + "e.g. model.spectral_norm=none or training.r1_gamma=0");
        }
        if (!"dcgan".equals(model.arch()) || !"concat".equals(model.conditioning())) {
            p.add("training.r1_gamma", "training.r1_gamma works with model.arch dcgan and model.conditioning concat "
                    + "only, so far (R1's finite difference is checked on that D): set training.r1_gamma=0");
        }
    }

    /** The same config with another training section. */
    public ExperimentConfig withTraining(TrainingConfig newTraining) {
        return new ExperimentConfig(name, seed, data, model, newTraining, output, watch);
    }

    /** The same config with another run name (sweeps, tests). */
    public ExperimentConfig withName(String newName) {
        return new ExperimentConfig(newName, seed, data, model, training, output, watch);
    }
}
