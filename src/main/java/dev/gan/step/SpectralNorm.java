package dev.gan.step;

import dev.gan.UserException;
import dev.gan.model.ClassAffine;
import dev.gan.step.NormalisedWeight.Kind;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
    private static final SpectralNorm OFF = new SpectralNorm(List.of());

    private final List<NormalisedWeight> layers;
    private boolean swappedIn;
    private ComputationGraph inferenceCopy;

    private SpectralNorm(List<NormalisedWeight> layers) {
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
        for (NormalisedWeight n : sn.layers) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + n.name.hashCode());
            for (int i = 0; i < n.out; i++) n.u[i] = r.nextGaussian();
            NormalisedWeight.normalizeInPlace(n.u);
            n.readRaw();
            n.transposeMultiplyIntoV();
            n.roundVectors();
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
        for (NormalisedWeight n : sn.layers) {
            float[][] uv = saved.get(n.name);
            if (uv.length != 2 || uv[0].length != n.out || uv[1].length != n.k) {
                throw new UserException(source + ": corrupt gan checkpoint: the spectral-norm vectors of " + n.name
                        + " do not have the layer's sizes (" + n.out + " and " + n.k + "); use an earlier checkpoint");
            }
            for (int i = 0; i < n.out; i++) n.u[i] = uv[0][i];
            for (int i = 0; i < n.k; i++) n.v[i] = uv[1][i];
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

    private static List<NormalisedWeight> layersOf(ComputationGraph graph) {
        List<NormalisedWeight> out = new ArrayList<>();
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
                out.add(new NormalisedWeight(conf.getLayerName(), kind, layer.getParam("W"), grad));
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
        for (NormalisedWeight n : layers) {
            n.readRaw();
            if (n.held) n.sigma = n.inferenceSigma();
            else n.iterate();
            n.writeDivided(n.sigma);
        }
        swappedIn = true;
    }

    /**
     * The layers of a frozen block (training.freeze_d): their u and v stay as they are and sigma comes from them, as
     * in inference, so the layer computes with the very W / sigma it started with.
     */
    public void hold(java.util.Collection<String> names) {
        for (NormalisedWeight n : layers) n.held |= names.contains(n.name);
    }

    /**
     * After the backward pass of the last training forward: with {@code gradients}, the layers' gradients of
     * W / sigma become gradients of the raw W; then the raw W goes back into the parameter views, for the updater.
     */
    public void endTrainingPass(boolean gradients) {
        if (!swappedIn) return;
        if (gradients) {
            for (NormalisedWeight n : layers) n.transformGradient();
        }
        restoreRaw();
    }

    private void restoreRaw() {
        if (!swappedIn) return;
        for (NormalisedWeight n : layers) n.writeDivided(1);   // exact: raw holds W's own values
        swappedIn = false;
    }

    /** Writes W / sigma, sigma from the stored u and v (no iteration), into {@code target}'s layers of the same names. */
    public void bake(ComputationGraph target) {
        if (swappedIn) throw new IllegalStateException("bake during a training pass");
        for (NormalisedWeight n : layers) {
            n.readRaw();
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
        for (NormalisedWeight n : layers) out.put(n.name, new float[][]{toFloats(n.u), toFloats(n.v)});
        return out;
    }

    /** sigma of each layer's last training pass, by layer name (tests). */
    Map<String, Double> sigmas() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (NormalisedWeight n : layers) out.put(n.name, n.sigma);
        return out;
    }

    private static float[] toFloats(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (float) x[i];
        return out;
    }
}
