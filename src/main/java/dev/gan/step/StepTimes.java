package dev.gan.step;

/** Accumulated nanoseconds per phase of the step, for {@code gan bench --verbose}. */
public final class StepTimes {
    private long gForward, dStep, dInputGrad, gStep;
    private long steps;

    public void add(long gForward, long dStep, long dInputGrad, long gStep) {
        this.gForward += gForward;
        this.dStep += dStep;
        this.dInputGrad += dInputGrad;
        this.gStep += gStep;
    }

    public void countStep() {
        steps++;
    }

    public void reset() {
        gForward = dStep = dInputGrad = gStep = steps = 0;
    }

    /** Mean milliseconds per step of each phase. */
    public String summary() {
        double n = Math.max(1, steps) * 1e6;
        return String.format(java.util.Locale.ROOT, "G forward %.1f ms, D step %.1f ms, D input grad %.1f ms, G step %.1f ms",
                gForward / n, dStep / n, dInputGrad / n, gStep / n);
    }
}
