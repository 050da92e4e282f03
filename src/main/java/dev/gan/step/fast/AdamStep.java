package dev.gan.step.fast;

import dev.gan.step.fast.dnnl.Dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.NoOpUpdater;
import org.nd4j.linalg.learning.config.Adam;

import java.util.ArrayList;
import java.util.List;

/**
 * What a graph's own updater does to its gradient view when every block is Adam or NoOp (BatchNorm's running
 * statistics) - divide the minibatch sums by the batch size where DL4J does, then Adam - as one Java pass per block
 * over copies of the arrays, with DL4J's numbers bit for bit. libnd4j's adam_updater took 6-9 ms for DCGAN-28's
 * 790k generator parameters at 1 thread (7-11 ns an element); this pass takes ~2 ms.
 *
 * <p>Bit for bit: the per-element arithmetic is the op's, in float, in its order (no fused multiply-adds: Java does
 * not contract), and the op's step size lr sqrt(1 - beta2^t) / (1 - beta1^t) - which libnd4j computes in a mix of
 * float powf and double that Java's Math does not round the same way - is read from the op itself, run on a
 * one-element probe where its update is exactly that step size (m = v = g = 1). The learning rate is read at every
 * update (a schedule or a changed rate holds). Anything else - another updater, regularisation, betas or an epsilon
 * that would keep the probe's moments or denominator off 1 - makes {@link #plan} return null, and DL4J's updater
 * runs. The caller runs DL4J's updater for the first update of each updater object: that initialises its state views
 * and its list of what to divide, which this then reuses; AdamStepTest holds the two to the same bits.
 */
final class AdamStep {
    /** One Adam block: its gradient view, its state halves, and its updater (for the learning rate). */
    private record Block(INDArray gradient, INDArray m, INDArray v, org.nd4j.linalg.learning.AdamUpdater updater) {
    }

    private final ComputationGraphUpdater owner;
    private final List<INDArray> divided;
    private final List<Block> blocks;
    private final INDArray probeG = Nd4j.create(new float[]{1}), probeM = Nd4j.create(new float[]{1}),
            probeV = Nd4j.create(new float[]{1});
    private float[] g = new float[0], m = new float[0], v = new float[0];

    private AdamStep(ComputationGraphUpdater owner, List<INDArray> divided, List<Block> blocks) {
        this.owner = owner;
        this.divided = divided;
        this.blocks = blocks;
    }

    /** The pass for {@code graph}'s current updater, which has run at least once; null where it cannot stand in. */
    static AdamStep plan(ComputationGraph graph) {
        ComputationGraphUpdater updater = graph.getUpdater();
        if (!updater.isInitializedMinibatchDivision()) return null;
        List<Block> blocks = new ArrayList<>();
        INDArray gradients = graph.getGradientsViewArray();
        for (UpdaterBlock b : updater.getUpdaterBlocks()) {
            if (b.getGradientUpdater() instanceof NoOpUpdater) continue;
            if (!(b.getGradientUpdater() instanceof org.nd4j.linalg.learning.AdamUpdater adam)) return null;
            Adam conf = adam.getConfig();
            if (b.isPretrainUpdaterBlock() || !probes(conf)) return null;
            for (UpdaterBlock.ParamState p : b.getLayersAndVariablesInBlock()) {
                var reg = p.getLayer().getConfig().getRegularizationByParam(p.getParamName());
                if (reg != null && !reg.isEmpty()) return null;
            }
            long start = b.getParamOffsetStart(), end = b.getParamOffsetEnd(), n = end - start;
            INDArray state = b.getUpdaterView();
            if (state == null || state.length() != 2 * n || !adam.getState().get("M").data().addressPointer()
                    .equals(state.data().addressPointer())) return null;
            blocks.add(new Block(flat(gradients, start, end), flat(state, 0, n), flat(state, n, 2 * n), adam));
        }
        List<INDArray> divided = new ArrayList<>(updater.getGradientsForMinibatchDivision());
        for (INDArray a : divided) if (!plain(a)) return null;
        return new AdamStep(updater, divided, blocks);
    }

    /** Whether this pass still belongs to {@code graph}'s updater (a new one, e.g. after a learning-rate change, not). */
    boolean serves(ComputationGraph graph) {
        return graph.getUpdater() == owner;
    }

    /** The update into the gradient view, as DL4J's updater writes it, for update number {@code iteration}. */
    void update(int iteration, int epoch, int batchSize) {
        for (INDArray a : divided) a.divi(batchSize);
        for (Block b : blocks) adam(b, iteration, epoch);
    }

    private void adam(Block b, int iteration, int epoch) {
        Adam conf = b.updater().getConfig();
        double lr = conf.getLearningRate(iteration, epoch), beta1 = conf.getBeta1(), beta2 = conf.getBeta2();
        double epsilon = conf.getEpsilon();
        probeG.assign(1);
        probeM.assign(1);
        probeV.assign(1);
        Nd4j.exec(new AdamUpdater(probeG, probeV, probeM, lr, beta1, beta2, epsilon, iteration));
        float step = probeG.getFloat(0), b1 = (float) beta1, b2 = (float) beta2, eps = (float) epsilon;
        float c1 = 1 - b1, c2 = 1 - b2;
        int n = (int) b.gradient().length();
        if (g.length < n) {
            g = new float[n];
            m = new float[n];
            v = new float[n];
        }
        FloatPointer gp = pointer(b.gradient()), mp = pointer(b.m()), vp = pointer(b.v());
        gp.get(g, 0, n);
        mp.get(m, 0, n);
        vp.get(v, 0, n);
        float[] g = this.g, m = this.m, v = this.v;
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float mi = b1 * m[i] + gi * c1;
            float vi = b2 * v[i] + gi * gi * c2;
            m[i] = mi;
            v[i] = vi;
            g[i] = (mi * step) / ((float) Math.sqrt(vi) + eps);
        }
        gp.put(g, 0, n);
        mp.put(m, 0, n);
        vp.put(v, 0, n);
    }

    /** Whether the probe's moments and denominator come out exactly 1, so that its update is the step size. */
    private static boolean probes(Adam conf) {
        float b1 = (float) conf.getBeta1(), b2 = (float) conf.getBeta2();
        return b1 * 1f + 1f * (1 - b1) == 1f && b2 * 1f + 1f * 1f * (1 - b2) == 1f
                && (float) Math.sqrt(1f) + (float) conf.getEpsilon() == 1f;
    }

    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }

    private static INDArray flat(INDArray rowVector, long from, long to) {
        return rowVector.reshape(rowVector.length()).get(NDArrayIndex.interval(from, to));
    }

    private static boolean plain(INDArray a) {
        return Dnnl.plain(a);
    }
}
