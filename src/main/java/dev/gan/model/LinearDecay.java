package dev.gan.model;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * training.lr_decay's learning rate: constant, then linear to 0 at the run's last step. DL4J asks a schedule for the
 * rate of one network's update by that network's own update count, which moves {@code updatesPerStep} times a step
 * (D: training.d_steps, G: training.g_steps); this maps the count back to the run's step, counted from a known pair
 * (step, count) - the run's start, or the step a resumed run continues from - so that G and D reach 0 together
 * whatever their pace. The rate of the update made after {@code s} completed steps is
 * {@code base * min(1, (totalSteps - s) / decaySteps)}: as in SNGAN's code, where the rate is moved after each
 * update, and the networks read 0 once the run is over.
 *
 * <p>Saved with the graph's configuration (Jackson, by class name, as DL4J's own schedules), so a checkpoint's
 * networks carry it; a run sets it again whenever it starts or resumes ({@code dev.gan.train.LearningRates}).
 */
public final class LinearDecay implements ISchedule {
    @JsonProperty
    private double base;
    @JsonProperty
    private long totalSteps;
    @JsonProperty
    private long decaySteps;
    @JsonProperty
    private int updatesPerStep;
    @JsonProperty
    private long fromStep;
    @JsonProperty
    private long fromUpdate;

    /** For Jackson, which fills the fields. */
    private LinearDecay() {
    }

    /**
     * @param base           the rate before the decay
     * @param totalSteps     the run's length in steps
     * @param decaySteps     the last steps, over which the rate falls (at least 1)
     * @param updatesPerStep the network's updates per step
     * @param fromStep       a step of the run ...
     * @param fromUpdate     ... and the network's update count at it
     */
    public LinearDecay(double base, long totalSteps, long decaySteps, int updatesPerStep, long fromStep,
                       long fromUpdate) {
        if (decaySteps < 1 || updatesPerStep < 1) throw new IllegalArgumentException("decaySteps and updatesPerStep >= 1");
        this.base = base;
        this.totalSteps = totalSteps;
        this.decaySteps = decaySteps;
        this.updatesPerStep = updatesPerStep;
        this.fromStep = fromStep;
        this.fromUpdate = fromUpdate;
    }

    /** The steps {@code lr_decay} decays over in a run of {@code totalSteps}: 0 when the rates stay constant. */
    public static long decaySteps(double lrDecay, long totalSteps) {
        if (lrDecay <= 0) return 0;
        return Math.max(1, (long) Math.floor(lrDecay * totalSteps));
    }

    /** The run's completed steps when the network has made {@code update} updates. */
    public long step(long update) {
        return fromStep + Math.floorDiv(update - fromUpdate, updatesPerStep);
    }

    /** The rate after {@code step} completed steps. */
    public double atStep(long step) {
        return base * Math.max(0.0, Math.min(1.0, (double) (totalSteps - step) / decaySteps));
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return atStep(step(iteration));
    }

    public double base() {
        return base;
    }

    @Override
    public ISchedule clone() {
        return new LinearDecay(base, totalSteps, decaySteps, updatesPerStep, fromStep, fromUpdate);
    }

    // DL4J groups layers whose updater settings are equal into one updater block
    @Override
    public boolean equals(Object o) {
        return o instanceof LinearDecay l && l.base == base && l.totalSteps == totalSteps && l.decaySteps == decaySteps
                && l.updatesPerStep == updatesPerStep && l.fromStep == fromStep && l.fromUpdate == fromUpdate;
    }

    @Override
    public int hashCode() {
        return Objects.hash(base, totalSteps, decaySteps, updatesPerStep, fromStep, fromUpdate);
    }

    @Override
    public String toString() {
        return "LinearDecay(base=" + base + ", totalSteps=" + totalSteps + ", decaySteps=" + decaySteps
                + ", updatesPerStep=" + updatesPerStep + ", from step " + fromStep + " at update " + fromUpdate + ")";
    }
}
