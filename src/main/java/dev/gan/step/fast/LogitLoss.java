package dev.gan.step.fast;

import dev.gan.step.GanLoss;
import dev.gan.step.LogitFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link GanLoss} on D's [B, 1] outputs, on the host (B numbers): the mean loss as D's or G's score, D(x) or
 * D(G(z)) as the loss defines it, the mean sign (adaptive augmentation's r_t), and the per-example dLoss/dOutput -
 * the minibatch-sum gradient DL4J's output layers pass back - in a kept array. For ns these are the numbers of
 * {@link dev.gan.model.BceWithLogitsLoss}, the loss in D's graph that the dl4j engine uses.
 */
final class LogitLoss {
    /** @param gradient dLoss/dOutput; valid until the next {@link #score} */
    record Scored(double loss, double shown, double meanSign, INDArray gradient) {
    }

    private final GanLoss loss;
    private final Buffer gradient = new Buffer();

    LogitLoss(GanLoss loss) {
        this.loss = loss;
    }

    Scored score(INDArray outputs, LogitFunction f) {
        GanLoss.Scored s = GanLoss.score(HostArrays.read(outputs), f, loss);
        double[] derivative = s.derivative();
        INDArray grad = gradient.of(derivative.length, 1);
        HostArrays.write(derivative, grad);
        return new Scored(s.loss(), s.shown(), s.meanSign(), grad);
    }
}
