package dev.gan.step;

/**
 * A per-example function of D's raw output d (a logit for ns, a critic value otherwise): its value, summed or
 * averaged over a batch into a loss, and its derivative, which is what D's backward pass starts from. Both engines
 * evaluate these on the host in double for the B numbers of a batch.
 */
public interface LogitFunction {
    double value(double d);

    double derivative(double d);

    /**
     * The sum of D's outputs, f(d) = d: its input gradient is grad_x sum_i D(x_i), the vector R1 penalises, and
     * its parameter gradient at perturbed inputs is what R1's finite difference takes.
     */
    LogitFunction SUM = new LogitFunction() {
        @Override
        public double value(double d) {
            return d;
        }

        @Override
        public double derivative(double d) {
            return 1;
        }
    };
}
