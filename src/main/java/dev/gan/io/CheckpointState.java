package dev.gan.io;

import dev.gan.model.GanShape;

import java.util.List;

/**
 * The {@code state.json} of a checkpoint: everything besides the two networks that resuming or sampling needs.
 * Random state is a seed plus counters: noise and data order are derived from (seed, step) by stateless generators,
 * so these numbers reproduce them exactly.
 *
 * @param formatVersion checkpoint layout version; readers refuse newer ones
 * @param ganVersion    version of gan that wrote it
 * @param step          generator updates completed
 * @param epoch         epoch of the last batch drawn
 * @param batchesDrawn  real batches drawn so far (the data sampler's position)
 * @param seed          the run's seed (noise, data order, fixed sample noise)
 * @param modelType     dcgan or cgan
 * @param shape         image channels and size, latent size, number of classes
 * @param classNames    class index -> name (empty for unconditional models)
 * @param createdAt     ISO-8601 time of writing
 * @param augment       training.augment_p's state (adaptive augmentation moves it); absent in older checkpoints
 */
public record CheckpointState(int formatVersion, String ganVersion, long step, long epoch, long batchesDrawn, long seed,
                              String modelType, GanShape shape, List<String> classNames, String createdAt,
                              Augment augment) {

    /** The same state under another format version (the writer sets it from what the checkpoint holds). */
    public CheckpointState withFormatVersion(int version) {
        return new CheckpointState(version, ganVersion, step, epoch, batchesDrawn, seed, modelType, shape, classNames,
                createdAt, augment);
    }

    /**
     * The augmentation probability at the checkpoint, and the part of the adaptive interval already seen.
     *
     * @param p       the probability each transform is applied with
     * @param signSum sum of the D steps' mean sign(D(x_real)) since p last moved
     * @param count   D steps since p last moved
     */
    public record Augment(double p, double signSum, int count) {
    }
}
