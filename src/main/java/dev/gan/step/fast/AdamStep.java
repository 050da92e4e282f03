package dev.gan.step.fast;

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
 * statistics) - divide the minibatch sums by the batch size where DL4J does, then Adam - and optionally the
 * {@code params -= update} after it, as one Java pass per block over cached copies of the arrays, with DL4J's numbers
 * bit for bit. libnd4j's adam_updater took 6-9 ms for DCGAN-28's
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
    /**
     * One Adam block: its gradient, parameter and state views, its updater (for the learning rate), and the ranges
     * of it, from-to pairs, whose gradients DL4J divides by the batch size.
     */
    private record Block(INDArray gradient, INDArray params, INDArray m, INDArray v,
                         org.nd4j.linalg.learning.AdamUpdater updater, int[] divided) {
    }

    /** A NoOp block (BatchNorm's running statistics): its update is its gradient as is. */
    private record Plain(INDArray gradient, INDArray params) {
    }

    /** Elements per pass over the Java copies (4 arrays of 32 KB). */
    private static final int CHUNK = 8192;

    private final ComputationGraphUpdater owner;
    private final List<Block> blocks;
    private final List<Plain> plain;
    private final INDArray probeG = Nd4j.create(new float[]{1}), probeM = Nd4j.create(new float[]{1}),
            probeV = Nd4j.create(new float[]{1});
    private float[] g = new float[0], m = new float[0], v = new float[0], p = new float[0];

    private AdamStep(ComputationGraphUpdater owner, List<Block> blocks, List<Plain> plain) {
        this.owner = owner;
        this.blocks = blocks;
        this.plain = plain;
    }

    /** The pass for {@code graph}'s current updater, which has run at least once; null where it cannot stand in. */
    static AdamStep plan(ComputationGraph graph) {
        ComputationGraphUpdater updater = graph.getUpdater();
        if (!updater.isInitializedMinibatchDivision()) return null;
        List<Block> blocks = new ArrayList<>();
        List<Plain> plain = new ArrayList<>();
        INDArray gradients = graph.getGradientsViewArray(), params = graph.params();
        long dividedHere = 0;
        for (UpdaterBlock b : updater.getUpdaterBlocks()) {
            int start = b.getParamOffsetStart(), end = b.getParamOffsetEnd(), n = end - start;
            List<Integer> divided = new ArrayList<>();
            for (UpdaterBlock.ParamState p : b.getLayersAndVariablesInBlock()) {
                var reg = p.getLayer().getConfig().getRegularizationByParam(p.getParamName());
                if (reg != null && !reg.isEmpty()) return null;
                if (p.getLayer().updaterDivideByMinibatch(p.getParamName())) {
                    divided.add(p.getParamOffsetStart() - start);
                    divided.add(p.getParamOffsetEnd() - start);
                    dividedHere += p.getParamOffsetEnd() - p.getParamOffsetStart();
                }
            }
            if (b.getGradientUpdater() instanceof NoOpUpdater) {
                if (!divided.isEmpty()) return null;
                plain.add(new Plain(flat(gradients, start, end), flat(params, start, end)));
                continue;
            }
            if (!(b.getGradientUpdater() instanceof org.nd4j.linalg.learning.AdamUpdater adam)) return null;
            if (b.isPretrainUpdaterBlock() || !probes(adam.getConfig())) return null;
            INDArray state = b.getUpdaterView();
            if (state == null || state.length() != 2L * n || !adam.getState().get("M").data().addressPointer()
                    .equals(state.data().addressPointer())) return null;
            blocks.add(new Block(flat(gradients, start, end), flat(params, start, end), flat(state, 0, n),
                    flat(state, n, 2L * n), adam, divided.stream().mapToInt(Integer::intValue).toArray()));
        }
        // the same elements as DL4J's own list of what to divide, or DL4J's updater it is
        long dl4jDivides = updater.getGradientsForMinibatchDivision().stream().mapToLong(INDArray::length).sum();
        return dividedHere == dl4jDivides ? new AdamStep(updater, blocks, plain) : null;
    }

    /** Whether this pass still belongs to {@code graph}'s updater (a new one, e.g. after a learning-rate change, not). */
    boolean serves(ComputationGraph graph) {
        return graph.getUpdater() == owner;
    }

    /**
     * The update into the gradient view, as DL4J's updater writes it, for update number {@code iteration}; with
     * {@code apply}, also {@code params -= update} (else the caller subtracts it).
     */
    void update(int iteration, int epoch, int batchSize, boolean apply) {
        for (Block b : blocks) adam(b, iteration, epoch, batchSize, apply);
        if (!apply) return;
        for (Plain q : plain) {
            FloatPointer gp = pointer(q.gradient()), pp = pointer(q.params());
            int n = (int) q.gradient().length();
            grow(Math.min(n, CHUNK));
            for (int c0 = 0; c0 < n; c0 += CHUNK) {
                int len = Math.min(CHUNK, n - c0);
                gp.position(c0).get(g, 0, len);
                pp.position(c0).get(p, 0, len);
                for (int i = 0; i < len; i++) p[i] -= g[i];
                pp.put(p, 0, len);
            }
        }
    }

    private void grow(int n) {
        if (g.length < n) {
            g = new float[n];
            m = new float[n];
            v = new float[n];
            p = new float[n];
        }
    }

    private void adam(Block b, int iteration, int epoch, int batchSize, boolean apply) {
        Adam conf = b.updater().getConfig();
        double lr = conf.getLearningRate(iteration, epoch), beta1 = conf.getBeta1(), beta2 = conf.getBeta2();
        double epsilon = conf.getEpsilon();
        probeG.putScalar(0, 1f);
        probeM.putScalar(0, 1f);
        probeV.putScalar(0, 1f);
        Nd4j.exec(new AdamUpdater(probeG, probeV, probeM, lr, beta1, beta2, epsilon, iteration));
        float step = probeG.getFloat(0), b1 = (float) beta1, b2 = (float) beta2, eps = (float) epsilon;
        float c1 = 1 - b1, c2 = 1 - b2;
        int n = (int) b.gradient().length();
        grow(Math.min(n, CHUNK));
        FloatPointer gp = pointer(b.gradient()), mp = pointer(b.m()), vp = pointer(b.v());
        FloatPointer pp = apply ? pointer(b.params()) : null;
        float[] g = this.g, m = this.m, v = this.v, p = this.p;
        // DL4J's divi(batchSize): a float quotient by (float) batchSize
        float batch = batchSize;
        int[] divided = b.divided();
        // chunk by chunk, so that the Java copies stay in cache
        for (int c0 = 0; c0 < n; c0 += CHUNK) {
            int len = Math.min(CHUNK, n - c0);
            gp.position(c0).get(g, 0, len);
            mp.position(c0).get(m, 0, len);
            vp.position(c0).get(v, 0, len);
            for (int r = 0; r < divided.length; r += 2) {
                int to = Math.min(divided[r + 1], c0 + len);
                for (int i = Math.max(divided[r], c0); i < to; i++) g[i - c0] /= batch;
            }
            for (int i = 0; i < len; i++) {
                float gi = g[i];
                float mi = b1 * m[i] + gi * c1;
                float vi = b2 * v[i] + gi * gi * c2;
                m[i] = mi;
                v[i] = vi;
                g[i] = (mi * step) / ((float) Math.sqrt(vi) + eps);
            }
            gp.put(g, 0, len);
            mp.put(m, 0, len);
            vp.put(v, 0, len);
            if (apply) {
                pp.position(c0).get(p, 0, len);
                for (int i = 0; i < len; i++) p[i] -= g[i];
                pp.put(p, 0, len);
            }
        }
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

}
