package dev.gan.step.fast;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.NoOpUpdater;
import org.nd4j.linalg.learning.config.Adam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a graph's own updater does to its gradient view when every block is Adam or NoOp (BatchNorm's running
 * statistics) - divide the minibatch sums by the batch size where DL4J does, then Adam - and optionally the
 * {@code params -= update} after it, as one Java pass per block over cached copies of the arrays, with DL4J's numbers
 * bit for bit. libnd4j's adam_updater took 6-9 ms for DCGAN-28's
 * 790k generator parameters at 1 thread (7-11 ns an element); this pass takes ~2 ms. With more than one OpenMP thread
 * (OMP_NUM_THREADS, the user's budget for the step) a long block is cut into one contiguous part per thread, the
 * caller's thread taking the first: each element's arithmetic is the same wherever it runs, so the bits do not
 * depend on the split (AdamStepTest holds a three-way split to them). DCGAN-28 at 2 threads, profiled inside the
 * step: G's update 2.2-2.4 ms before, 1.9 after; D's 0.9-1.0 before, 0.6-0.8 after.
 *
 * <p>Bit for bit: the per-element arithmetic is the op's, in float, in its order (no fused multiply-adds: Java does
 * not contract), and the op's step size lr sqrt(1 - beta2^t) / (1 - beta1^t) - which libnd4j computes in a mix of
 * float powf and double that Java's Math does not round the same way - is read from the op itself, run on a
 * one-element probe where its update is exactly that step size (m = v = g = 1), once per update for all the blocks
 * that share their settings. The learning rate is read at every
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
    /** Blocks shorter than this run on the caller's thread alone: a hand-off costs tens of microseconds. */
    static final int SPLIT_FROM = 4 * CHUNK;
    /** The other threads' share of a split pass; daemon threads, idle ones reused (the pass runs every step). */
    private static final ExecutorService HELPERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "adam-step");
        t.setDaemon(true);
        return t;
    });

    private final ComputationGraphUpdater owner;
    private final List<Block> blocks;
    private final List<Plain> plain;
    private final INDArray probeG = Nd4j.create(new float[]{1}), probeM = Nd4j.create(new float[]{1}),
            probeV = Nd4j.create(new float[]{1});
    /** libnd4j's adam_updater on a kept context: a new op object and its shape calculation took ~0.17 ms a call. */
    private final CustomOp probeOp = DynamicCustomOp.builder("adam_updater").build();
    private final OpContext probeArgs = Nd4j.getExecutioner().buildContext();
    /** The settings and iteration of the last probe, and its step size. */
    private double[] probed;
    private float probedStep;
    /** Each thread's Java copies; [0] the caller's. */
    private final Scratch[] scratch;

    /** One thread's Java copies of a chunk of the gradient, m, v and the parameters. */
    private static final class Scratch {
        float[] g = new float[0], m = new float[0], v = new float[0], p = new float[0];

        void grow(int n) {
            if (g.length < n) {
                g = new float[n];
                m = new float[n];
                v = new float[n];
                p = new float[n];
            }
        }
    }

    /** Adam's constants for one update of one block: the op's step size, the betas and epsilon as floats. */
    private record Rates(float step, float b1, float b2, float eps, float batch) {
    }

    private AdamStep(ComputationGraphUpdater owner, List<Block> blocks, List<Plain> plain, int threads) {
        this.owner = owner;
        this.blocks = blocks;
        this.plain = plain;
        this.scratch = new Scratch[Math.max(1, threads)];
        for (int i = 0; i < scratch.length; i++) scratch[i] = new Scratch();
    }

    /**
     * The pass for {@code graph}'s current updater, which has run at least once, over {@code threads} threads
     * (elementwise, so the numbers do not depend on the split); null where it cannot stand in.
     */
    static AdamStep plan(ComputationGraph graph, int threads) {
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
        return dividedHere == dl4jDivides ? new AdamStep(updater, blocks, plain, threads) : null;
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
        for (Block b : blocks) {
            Rates r = rates(b, iteration, epoch, batchSize);
            split((int) b.gradient().length(), (s, from, to) -> adam(b, r, apply, s, from, to));
        }
        if (!apply) return;
        Scratch s = scratch[0];
        for (Plain q : plain) {
            FloatPointer gp = pointer(q.gradient()), pp = pointer(q.params());
            int n = (int) q.gradient().length();
            s.grow(Math.min(n, CHUNK));
            for (int c0 = 0; c0 < n; c0 += CHUNK) {
                int len = Math.min(CHUNK, n - c0);
                gp.position(c0).get(s.g, 0, len);
                pp.position(c0).get(s.p, 0, len);
                for (int i = 0; i < len; i++) s.p[i] -= s.g[i];
                pp.put(s.p, 0, len);
            }
        }
    }

    /** A pass over elements [from, to) with one thread's copies. */
    private interface Range {
        void run(Scratch s, int from, int to);
    }

    /** {@code range} over [0, n), cut into one contiguous part per thread; returns when every part is done. */
    private void split(int n, Range range) {
        int parts = n < SPLIT_FROM ? 1 : scratch.length;
        List<Future<?>> others = new ArrayList<>(parts - 1);
        try {
            for (int i = 1; i < parts; i++) {
                Scratch s = scratch[i];
                int from = (int) ((long) n * i / parts), to = (int) ((long) n * (i + 1) / parts);
                others.add(HELPERS.submit(() -> range.run(s, from, to)));
            }
            range.run(scratch[0], 0, n / parts);
        } finally {
            // every part has finished, or failed, before the caller reads the arrays
            RuntimeException failed = null;
            boolean interrupted = false;
            for (Future<?> f : others) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        if (failed == null) failed = new IllegalStateException("Adam pass failed", e.getCause());
                        break;
                    }
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            if (failed != null) throw failed;
        }
    }

    private Rates rates(Block b, int iteration, int epoch, int batchSize) {
        Adam conf = b.updater().getConfig();
        double lr = conf.getLearningRate(iteration, epoch), beta1 = conf.getBeta1(), beta2 = conf.getBeta2();
        double epsilon = conf.getEpsilon();
        double[] key = {lr, beta1, beta2, epsilon, iteration};
        if (!Arrays.equals(key, probed)) {
            // the blocks of one update share their settings: one probe for all of them
            probeG.putScalar(0, 1f);
            probeM.putScalar(0, 1f);
            probeV.putScalar(0, 1f);
            probeArgs.setInputArray(0, probeG);
            probeArgs.setInputArray(1, probeV);
            probeArgs.setInputArray(2, probeM);
            probeArgs.setOutputArray(0, probeG);
            probeArgs.setOutputArray(1, probeV);
            probeArgs.setOutputArray(2, probeM);
            probeArgs.setTArguments(lr, beta1, beta2, epsilon);
            probeArgs.setIArguments(iteration);
            ContextOp.exec(probeOp, probeArgs);
            probed = key;
            probedStep = probeG.getFloat(0);
        }
        // DL4J's divi(batchSize): a float quotient by (float) batchSize
        return new Rates(probedStep, (float) beta1, (float) beta2, (float) epsilon, batchSize);
    }

    private static void adam(Block b, Rates r, boolean apply, Scratch s, int from, int to) {
        float step = r.step(), b1 = r.b1(), b2 = r.b2(), eps = r.eps(), batch = r.batch();
        float c1 = 1 - b1, c2 = 1 - b2;
        s.grow(Math.min(to - from, CHUNK));
        FloatPointer gp = pointer(b.gradient()), mp = pointer(b.m()), vp = pointer(b.v());
        FloatPointer pp = apply ? pointer(b.params()) : null;
        float[] g = s.g, m = s.m, v = s.v, p = s.p;
        int[] divided = b.divided();
        // chunk by chunk, so that the Java copies stay in cache
        for (int c0 = from; c0 < to; c0 += CHUNK) {
            int len = Math.min(CHUNK, to - c0);
            gp.position(c0).get(g, 0, len);
            mp.position(c0).get(m, 0, len);
            vp.position(c0).get(v, 0, len);
            for (int q = 0; q < divided.length; q += 2) {
                int end = Math.min(divided[q + 1], c0 + len);
                for (int i = Math.max(divided[q], c0); i < end; i++) g[i - c0] /= batch;
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
