package dev.gan.step;

import dev.gan.model.BceWithLogitsLoss;
import dev.gan.model.EpsCapture;
import dev.gan.model.GanModels;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.function.Consumer;

/**
 * D's forward and backward passes for the dl4j engine, each started from the derivative of a {@link LogitFunction}:
 * D's gradients land in {@code d.gradient()}, dLoss/dImage in the {@link EpsCapture} tap. D's graph ends in
 * {@link BceWithLogitsLoss}, which is the ns loss itself: an ns function ({@link NonSaturatingLoss.Bce}) runs through
 * it with its target as the labels - the numbers DL4J has always computed. Any other function is swapped into D's
 * output layer for the one pass ({@link LogitFunctionLoss}) and the graph's own loss put back before it returns, so
 * a checkpoint of D never holds anything but BceWithLogitsLoss.
 */
final class Dl4jPasses {
    /**
     * What one pass measured.
     *
     * @param loss     mean loss of the batch
     * @param shown    mean D(x) / D(G(z)) as the loss defines it
     * @param meanSign mean sign of D's outputs
     */
    record Pass(double loss, double shown, double meanSign) {
    }

    private final ComputationGraph d;
    /** Sets the loss of D's last layer: an OutputLayer, or the LossLayer after a projection D's add. */
    private final Consumer<ILossFunction> setLoss;
    private final ILossFunction own;
    private final LogitFunctionLoss swapped = new LogitFunctionLoss();
    private INDArray labels;

    Dl4jPasses(ComputationGraph d) {
        this.d = d;
        org.deeplearning4j.nn.conf.layers.Layer conf = d.getOutputLayer(0).conf().getLayer();
        if (conf instanceof BaseOutputLayer o) {
            this.own = o.getLossFn();
            this.setLoss = o::setLossFn;
        } else if (conf instanceof LossLayer l) {
            this.own = l.getLossFn();
            this.setLoss = l::setLossFn;
        } else {
            throw new IllegalStateException("D ends in a " + conf.getClass().getSimpleName() + ", not a loss layer");
        }
    }

    /** The tap on D's image input: dLoss/dImage of the last pass. */
    EpsCapture inputGradient() {
        return GanModels.inputGradient(d);
    }

    /** One pass of D in training mode on {@code inputs}, from dLoss_i/dD_i = f'(D_i); D is not updated. */
    Pass run(INDArray[] inputs, LogitFunction f, GanLoss loss) {
        int b = (int) inputs[0].size(0);
        d.setInputs(inputs);
        if (f instanceof NonSaturatingLoss.Bce bce && own instanceof BceWithLogitsLoss graphLoss) {
            d.setLabels(Nd4j.valueArrayOf(new long[]{b, 1}, bce.target(), inputs[0].dataType()));
            d.computeGradientAndScore();
            return new Pass(d.score(), graphLoss.lastMeanProbability(), graphLoss.lastMeanSign());
        }
        if (labels == null || labels.size(0) != b || labels.dataType() != inputs[0].dataType()) {
            labels = Nd4j.zeros(inputs[0].dataType(), b, 1);
        }
        swapped.use(f, loss);
        setLoss.accept(swapped);
        try {
            d.setLabels(labels);
            d.computeGradientAndScore();
        } finally {
            setLoss.accept(own);
        }
        return new Pass(swapped.lastLoss(), swapped.lastShown(), swapped.lastMeanSign());
    }
}
