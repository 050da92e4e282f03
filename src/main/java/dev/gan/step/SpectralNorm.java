package dev.gan.step;

import dev.gan.UserException;
import dev.gan.model.ClassAffine;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Spectral normalisation (Miyato et al. 2018) of one network's conv, transposed-conv and dense weights, with
 * {@code torch.nn.utils.spectral_norm}'s semantics. Each weight W is read as a matrix Wm of (out, in * kh * kw) - the
 * "out" side is the one the layer maps to, whatever DL4J's layout: Convolution [out, in, kh, kw], Deconvolution2D
 * [in, out, kh, kw], Dense [nIn, nOut] in 'f' order - and has a persistent unit vector u (length out) and the last
 * v (length in * kh * kw).
 *
 * <p>Every training forward pass ({@link #beginTrainingPass}) runs one power iteration on the raw W,
 * v = normalize(Wm^T u), u = normalize(Wm v), sigma = u . Wm v, and writes W / sigma into the layer's own parameter
 * view, so that both engines' unchanged layers compute with the normalised weight. {@link #endTrainingPass} turns
 * the gradient those layers wrote (dL/d(W/sigma) = G) into the gradient of the raw W, with u and v constant as torch
 * treats them:
 * <pre>  dL/dW = (G - &lt;G, W/sigma&gt; u v^T) / sigma</pre>
 * (from d(W/sigma) = dW/sigma - W/sigma^2 dsigma and dsigma = u^T dW v), and puts the raw W back, which is what the
 * updater then moves. Raw W is what checkpoints hold; u and v are saved beside it so that a resumed run continues
 * the same iteration.
 *
 * <p>Inference ({@link #bake}) uses the stored u and v without iterating, as torch's eval mode does:
 * sigma = u . Wm v with the current raw W.
 */
public final class SpectralNorm {
    /** torch's F.normalize epsilon: a zero vector stays zero instead of becoming NaN. */
    private static final double EPS = 1e-12;
    private static final SpectralNorm OFF = new SpectralNorm(List.of());

    private final List<Normalised> layers;
    private boolean swappedIn;
    private ComputationGraph inferenceCopy;

    private SpectralNorm(List<Normalised> layers) {
        this.layers = layers;
    }

    /** No layer normalised: every call does nothing. */
    public static SpectralNorm off() {
        return OFF;
    }

    /**
     * Every conv, transposed-conv and dense weight of {@code graph}, each u drawn from N(0, 1) with a seed of its own
     * (the run's seed and the layer's name) and normalised; v = normalize(Wm^T u), so that inference before the first
     * training pass already has a consistent (u, v).
     */
    public static SpectralNorm of(ComputationGraph graph, long seed) {
        SpectralNorm sn = new SpectralNorm(layersOf(graph));
        for (Normalised n : sn.layers) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + n.name.hashCode());
            double[] u = new double[(int) n.out];
            for (int i = 0; i < u.length; i++) u[i] = r.nextGaussian();
            n.u.assign(Nd4j.create(u, new long[]{n.out, 1}, DataType.DOUBLE));
            normalize(n.u);
            Nd4j.gemm(n.matrix(), n.u, n.v, true, false, 1.0, 0.0);
            normalize(n.v);
        }
        return sn;
    }

    /** The layers of {@code graph} with vectors saved by {@link #vectors()}; a user error when they do not fit. */
    public static SpectralNorm restore(ComputationGraph graph, Map<String, float[][]> saved, String source) {
        SpectralNorm sn = new SpectralNorm(layersOf(graph));
        List<String> names = sn.layers.stream().map(n -> n.name).toList();
        if (saved == null || !saved.keySet().equals(new java.util.HashSet<>(names))) {
            throw new UserException(source + ": corrupt gan checkpoint: its spectral-norm vectors are for layers "
                    + (saved == null ? "[]" : saved.keySet()) + " but the network normalises " + names
                    + "; use an earlier checkpoint");
        }
        for (Normalised n : sn.layers) {
            float[][] uv = saved.get(n.name);
            if (uv.length != 2 || uv[0].length != n.out || uv[1].length != n.k) {
                throw new UserException(source + ": corrupt gan checkpoint: the spectral-norm vectors of " + n.name
                        + " do not have the layer's sizes (" + n.out + " and " + n.k + "); use an earlier checkpoint");
            }
            n.u.assign(Nd4j.create(uv[0], new long[]{n.out, 1}, DataType.FLOAT));
            n.v.assign(Nd4j.create(uv[1], new long[]{n.k, 1}, DataType.FLOAT));
        }
        return sn;
    }

    /**
     * The class embeddings that give conditional BatchNorm its per-class gain and bias: they start at exactly 1 and 0
     * and are read as scales, not as a linear map to bound, so dividing them by their largest singular value (about
     * sqrt(classes * channels) for the all-ones gain) would shrink every activation instead of regularising G.
     */
    private static Set<String> classAffineEmbeddings(ComputationGraph graph) {
        Set<String> out = new HashSet<>();
        Map<String, GraphVertex> vertices = graph.getConfiguration().getVertices();
        Map<String, List<String>> inputs = graph.getConfiguration().getVertexInputs();
        for (Map.Entry<String, GraphVertex> e : vertices.entrySet()) {
            if (e.getValue() instanceof ClassAffine) {
                List<String> in = inputs.get(e.getKey());
                out.addAll(in.subList(1, in.size()));   // input 0 is the normalised activation
            }
        }
        return out;
    }

    private static List<Normalised> layersOf(ComputationGraph graph) {
        List<Normalised> out = new ArrayList<>();
        Set<String> classGains = classAffineEmbeddings(graph);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            if (graph.getGradientsViewArray() == null) graph.initGradientsView();
            for (Layer layer : graph.getLayers()) {
                org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
                Kind kind = conf.getClass() == ConvolutionLayer.class ? Kind.CONV
                        : conf.getClass() == Deconvolution2D.class ? Kind.DECONV
                        : conf.getClass() == DenseLayer.class || conf.getClass() == OutputLayer.class ? Kind.DENSE : null;
                boolean hasWeights = layer.numParams() > 0 && layer.paramTable().containsKey("W");
                if (classGains.contains(conf.getLayerName())) continue;
                if (kind == null) {
                    if (hasWeights) {
                        throw new IllegalStateException("spectral norm does not know the weights of "
                                + conf.getLayerName() + " (" + conf.getClass().getSimpleName() + ")");
                    }
                    continue;
                }
                INDArray grad = conf.initializer().getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray())
                        .get("W");
                out.add(new Normalised(conf.getLayerName(), kind, layer.getParam("W"), grad));
            }
        }
        return List.copyOf(out);
    }

    /** Whether any layer is normalised. */
    public boolean on() {
        return !layers.isEmpty();
    }

    /**
     * Before a training forward pass: one power iteration per layer on the raw weights, then W / sigma into the
     * parameter views (raw W kept aside). Calling it again without {@link #endTrainingPass} (a second generator
     * forward pass) first puts the raw weights back, so each pass iterates on raw W.
     */
    public void beginTrainingPass() {
        if (layers.isEmpty()) return;
        restoreRaw();
        for (Normalised n : layers) {
            n.iterate();
            n.raw.assign(n.w);
            n.w.divi(n.sigma);
        }
        swappedIn = true;
    }

    /**
     * After the backward pass of the last training forward: with {@code gradients}, the layers' gradients of
     * W / sigma become gradients of the raw W; then the raw W goes back into the parameter views, for the updater.
     */
    public void endTrainingPass(boolean gradients) {
        if (!swappedIn) return;
        if (gradients) {
            for (Normalised n : layers) n.transformGradient();
        }
        restoreRaw();
    }

    private void restoreRaw() {
        if (!swappedIn) return;
        for (Normalised n : layers) n.w.assign(n.raw);
        swappedIn = false;
    }

    /** Writes W / sigma, sigma from the stored u and v (no iteration), into {@code target}'s layers of the same names. */
    public void bake(ComputationGraph target) {
        if (swappedIn) throw new IllegalStateException("bake during a training pass");
        for (Normalised n : layers) {
            double sigma = n.inferenceSigma();   // before writing: target may be the graph itself
            target.getLayer(n.name).getParam("W").assign(n.w).divi(sigma);
        }
    }

    /**
     * {@code graph} as inference sees it: a copy of the same configuration with its current parameters and
     * W / sigma baked in (kept between calls), or {@code graph} itself when nothing is normalised.
     */
    public ComputationGraph inferenceGraph(ComputationGraph graph) {
        if (layers.isEmpty()) return graph;
        if (inferenceCopy == null) inferenceCopy = copyOf(graph);
        inferenceCopy.params().assign(graph.params());
        bake(inferenceCopy);
        return inferenceCopy;
    }

    /** A new graph of {@code graph}'s configuration holding a copy of its parameters (no updater state). */
    public static ComputationGraph copyOf(ComputationGraph graph) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            ComputationGraph copy = new ComputationGraph(graph.getConfiguration().clone());
            copy.init(graph.params().dup(), false);
            return copy;
        }
    }

    /** u and v of each layer, by layer name, for the checkpoint. */
    public Map<String, float[][]> vectors() {
        Map<String, float[][]> out = new LinkedHashMap<>();
        for (Normalised n : layers) out.put(n.name, new float[][]{n.u.toFloatVector(), n.v.toFloatVector()});
        return out;
    }

    /** sigma of each layer's last training pass, by layer name (tests). */
    Map<String, Double> sigmas() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Normalised n : layers) out.put(n.name, n.sigma);
        return out;
    }

    /** Sum of the elementwise products of two arrays of one shape, without a temporary array. */
    private static double dot(INDArray a, INDArray b) {
        return Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.reduce3.Dot(a, b)).getDouble(0);
    }

    private static void normalize(INDArray x) {
        x.divi(Math.max(x.norm2Number().doubleValue(), EPS));
    }

    /** How a layer's W is laid out, and so how it is read as the (out, in * kh * kw) matrix. */
    private enum Kind { CONV, DECONV, DENSE }

    /** One normalised weight: its views, its vectors and the last sigma. */
    private static final class Normalised {
        final String name;
        final Kind kind;
        final INDArray w, grad, raw, u, v, wv, outer;
        final long out, k;
        double sigma;

        Normalised(String name, Kind kind, INDArray w, INDArray grad) {
            this.name = name;
            this.kind = kind;
            this.w = w;
            this.grad = grad;
            long[] s = w.shape();
            this.out = switch (kind) {
                case CONV -> s[0];
                case DECONV -> s[1];
                case DENSE -> s[1];
            };
            this.k = w.length() / out;
            DataType type = w.dataType();   // FLOAT in training; tests check the maths in DOUBLE
            this.raw = Nd4j.create(type, s, w.ordering());
            this.u = Nd4j.create(type, out, 1);
            this.v = Nd4j.create(type, k, 1);
            this.wv = Nd4j.create(type, out, 1);
            this.outer = Nd4j.create(type, out, k);
        }

        /**
         * The parameter view as the (out, k) matrix: a view for conv ([out, in, kh, kw] is already row-major by out)
         * and dense ([nIn, nOut] in 'f' order is [nOut, nIn] row-major), a copy for a transposed conv, whose out
         * axis is the second.
         */
        INDArray matrix() {
            return switch (kind) {
                case CONV -> w.reshape('c', out, k);
                case DENSE -> w.transpose();
                case DECONV -> w.permute(1, 0, 2, 3).dup('c').reshape('c', out, k);
            };
        }

        /** An (out, k) matrix in the layout of W: the inverse of {@link #matrix()}. */
        INDArray inLayout(INDArray m) {
            long[] s = w.shape();
            return switch (kind) {
                case CONV -> m.reshape('c', s);
                case DENSE -> m.transpose();
                case DECONV -> m.reshape('c', s[1], s[0], s[2], s[3]).permute(1, 0, 2, 3);
            };
        }

        void iterate() {
            INDArray m = matrix();
            Nd4j.gemm(m, u, v, true, false, 1.0, 0.0);
            normalize(v);
            Nd4j.gemm(m, v, wv, false, false, 1.0, 0.0);
            u.assign(wv);
            normalize(u);
            sigma = dot(u, wv);
        }

        double inferenceSigma() {
            Nd4j.gemm(matrix(), v, wv, false, false, 1.0, 0.0);
            return dot(u, wv);
        }

        /** grad holds G = dL/d(W/sigma) and w holds W/sigma: grad := (G - <G, W/sigma> u v^T) / sigma. */
        void transformGradient() {
            double c = dot(grad, w);
            Nd4j.gemm(u, v, outer, false, true, c, 0.0);
            grad.subi(inLayout(outer)).divi(sigma);
        }
    }
}
