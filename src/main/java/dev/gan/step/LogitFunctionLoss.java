package dev.gan.step;

import dev.gan.model.PerExampleLoss;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DL4J loss that evaluates a {@link LogitFunction} of D's output, so that D's own output layer starts its backward
 * pass from that function's derivative: how the dl4j engine trains D with any {@link GanLoss} (and takes R1's passes)
 * through {@code computeGradientAndScore}. {@link Dl4jPasses} puts it into D's output layer for one pass only and
 * then restores the graph's own loss, so it never reaches a checkpoint: D's configuration, as saved, keeps
 * {@link dev.gan.model.BceWithLogitsLoss} whatever training.loss is.
 *
 * <p>Labels are ignored (DL4J still wants an array of the output's shape). It also keeps the batch's mean "shown"
 * value (D(x) / D(G(z)) as the loss defines it) and mean sign, as BceWithLogitsLoss keeps its mean probability.
 */
final class LogitFunctionLoss extends PerExampleLoss {
    private transient LogitFunction function;
    private transient GanLoss loss;
    private transient double lastLoss = Double.NaN, lastShown = Double.NaN, lastMeanSign = Double.NaN;

    /** The function the next pass evaluates, and the loss whose "shown" value it reports. */
    void use(LogitFunction f, GanLoss l) {
        this.function = f;
        this.loss = l;
    }

    /** Scores D's outputs (exactly, in double: float outputs widen without rounding) and keeps the batch means. */
    private GanLoss.Scored scored(INDArray preOutput, IActivation fn) {
        GanLoss.Scored s = GanLoss.score(fn.getActivation(preOutput.dup(), true).toDoubleVector(), function, loss);
        lastLoss = s.loss();
        lastShown = s.shown();
        lastMeanSign = s.meanSign();
        return s;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        double[] d = fn.getActivation(preOutput.dup(), true).toDoubleVector();
        double[] values = new double[d.length];
        for (int i = 0; i < d.length; i++) values[i] = function.value(d[i]);
        INDArray out = Nd4j.create(values, new long[]{values.length}, preOutput.dataType());
        if (mask != null) out.muli(mask.reshape(values.length));
        return out;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        double[] derivative = scored(preOutput, fn).derivative();
        INDArray dLdz = Nd4j.create(derivative, new long[]{derivative.length, 1}, preOutput.dataType());
        if (mask != null) dLdz.muli(mask);
        return fn.backprop(preOutput.dup(), dLdz).getFirst();
    }

    /** Mean loss of the batch last scored, in double (as the fast engine has it). */
    double lastLoss() {
        return lastLoss;
    }

    /** Mean D(x) / D(G(z)) of the batch last scored, as the loss defines it. */
    double lastShown() {
        return lastShown;
    }

    /** Mean sign of D's outputs on the batch last scored. */
    double lastMeanSign() {
        return lastMeanSign;
    }

    @Override
    public String name() {
        return "LogitFunctionLoss";
    }
}
