package dev.gan.step.fast;

import dev.gan.step.FrozenBlocks;
import dev.gan.step.SpectralNorm;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One ComputationGraph run as the stages of its {@link NetCompiler.Plan}, on the graph's own arrays: weights are
 * the layers' views of {@code graph.params()}, gradients go into the layers' views of
 * {@code graph.getGradientsViewArray()}, and the update is the graph's own updater - so checkpoints, resume and
 * sampling see a graph trained exactly as DL4J would have trained it. Under spectral norm, each forward pass starts
 * with the power iteration that puts W / sigma into those weights, and each backward pass ends by turning the
 * gradients into the raw weights' and putting raw W back ({@link SpectralNorm}).
 */
final class FastNet {
    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    /** A graph's parameter and gradient views, by layer name and DL4J parameter key ("W", "b", "gamma", ...). */
    record Views(ComputationGraph graph, Map<String, Map<String, INDArray>> gradientsByLayer) {
        Map<String, INDArray> params(String layer) {
            return graph.getLayer(layer).paramTable();
        }

        Map<String, INDArray> gradients(String layer) {
            return gradientsByLayer.get(layer);
        }
    }

    private final ComputationGraph graph;
    private final int chainInput;
    private final List<Stage> stages = new ArrayList<>();
    private final List<Nonlinearity> nonlinearities;
    /** The whole gradient view, as the updater expects it: the flat array (not a copy) plus a view per parameter. */
    private final Gradient gradient;
    private final SpectralNorm norm;
    private final FrozenBlocks frozen;
    /** The graph's updater as one Java pass, once DL4J's has run; null before, or where it cannot stand in. */
    private AdamStep adam;
    /** The updater that {@link AdamStep} cannot stand in for: DL4J's runs for it. */
    private Object unplanned;
    private boolean javaAdam = true;
    /** Whether {@link #fuseNormRectifiers} fused any ReLU. */
    private boolean fusedRectifiers;
    /** Threads of the {@link AdamStep} pass: OpenMP's, which the user sets with OMP_NUM_THREADS. */
    private int adamThreads = Nd4j.getEnvironment().maxMasterThreads();

    FastNet(NetCompiler.Plan plan) {
        this(plan, SpectralNorm.off(), FrozenBlocks.NONE);
    }

    FastNet(NetCompiler.Plan plan, SpectralNorm norm, FrozenBlocks frozen) {
        this.norm = norm;
        this.frozen = frozen;
        this.graph = plan.graph();
        this.chainInput = plan.chainInput();
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            // Adam's state and the flat gradient view must exist, outside any workspace, before the first update
            graph.getUpdater(true);
            if (graph.getGradientsViewArray() == null) graph.initGradientsView();
        }
        this.gradient = new DefaultGradient(graph.getGradientsViewArray());
        Map<String, Map<String, INDArray>> byLayer = new HashMap<>();
        for (Layer layer : graph.getLayers()) {
            if (layer.numParams() == 0) continue;
            String name = layer.conf().getLayer().getLayerName();
            Map<String, INDArray> views = layer.conf().getLayer().initializer()
                    .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
            byLayer.put(name, views);
            views.forEach((key, view) -> gradient.setGradientFor(name + "_" + key, view));
        }
        Views views = new Views(graph, byLayer);
        nonlinearities = Nonlinearity.collect(() -> {
            for (NetCompiler.StageFactory f : plan.stages()) stages.add(f.create(views));
        });
        for (int i = 1; i < stages.size(); i++) {
            // a convolution straight after another reads its output as the first one's primitive writes it
            if (stages.get(i - 1) instanceof DnnlConvStage a && stages.get(i) instanceof DnnlConvStage b) b.readsFrom(a);
            // so does one after BatchNorm and an activation (elementwise: blind to the layout) in bf16, where BatchNorm
            // computes its statistics in oneDNN, which reads the blocked layout
            if (i >= 3 && stages.get(i - 3) instanceof DnnlConvStage a && a.bf16()
                    && stages.get(i - 2) instanceof BatchNormStage bn && stages.get(i - 1) instanceof ActivationStage
                    && stages.get(i) instanceof DnnlConvStage b) {
                bn.readsFrom(a);
                b.readsFrom(a);
            }
        }
    }

    /**
     * Lets each BatchNorm that reads a bf16 convolution's blocked output apply the ReLU after it in its own kernels
     * ({@link BatchNormStage#fuseRelu}). Only for a network whose activations are never frozen (the generator: R1
     * freezes D's), since a fused ReLU cannot keep an old mask.
     */
    void fuseNormRectifiers() {
        for (int i = 2; i < stages.size(); i++) {
            if (stages.get(i - 2) instanceof BatchNormStage bn && bn.readsBlocked()
                    && stages.get(i - 1) instanceof ActivationStage f && f.relu()) {
                bn.fuseRelu();
                f.fusedBefore();
                fusedRectifiers = true;
            }
        }
    }

    /**
     * Frozen, every (leaky) ReLU keeps the mask of the last unfrozen forward pass, so that the network is the linear
     * map it was around that input (R1's finite difference); unfrozen again, forward passes compute masks as usual.
     */
    void freezeActivations(boolean frozen) {
        if (frozen && fusedRectifiers) throw new IllegalStateException("ReLUs fused into BatchNorm cannot be frozen");
        for (Nonlinearity n : nonlinearities) n.freeze(frozen);
    }

    /** The network's output (before its loss) in training mode, for inputs in the graph's input order. */
    INDArray forward(INDArray... inputs) {
        return forward(false, inputs);
    }

    /**
     * {@link #forward} on the weights of the last forward pass, which the caller knows nothing has changed since (no
     * update, no assignment): the convolutions reuse their bf16 / blocked copies of them. Under spectral norm every
     * pass writes new weights, so this is then a plain forward pass.
     */
    INDArray forwardOnSameWeights(INDArray... inputs) {
        return forward(!norm.on(), inputs);
    }

    private INDArray forward(boolean sameWeights, INDArray... inputs) {
        for (Stage s : stages) s.sameWeights(sameWeights);
        norm.beginTrainingPass();
        INDArray x = chainInput >= 0 ? inputs[chainInput] : null;
        for (Stage s : stages) x = s.forward(x, inputs);
        return x;
    }

    /**
     * Backprop of dLoss/dOutput through the last forward pass: parameter gradients into the graph's gradient view
     * (overwritten, not added), and dLoss/dInput of the chain's input returned (null when it starts with a merge).
     */
    INDArray backward(INDArray gradOut) {
        return backward(gradOut, true, true);
    }

    /**
     * {@link #backward} for a pass whose parameter gradients nothing reads (the generator step's pass through D): the
     * stages skip what only those need (a convolution's backward-weights pass, a dense layer's weight product), and
     * spectral norm skips turning them into the raw weights' gradients. The gradient view is left stale until the
     * next full pass overwrites it.
     */
    INDArray backwardToInput(INDArray gradOut) {
        return backward(gradOut, false, true);
    }

    /**
     * {@link #backward} for a pass whose input gradient nothing reads (the D step's, G's): the first stage may skip
     * it (a bf16 convolution skips its backward-data pass), so this returns nothing.
     */
    void backwardToParameters(INDArray gradOut) {
        backward(gradOut, true, false);
    }

    private INDArray backward(INDArray gradOut, boolean parameterGradients, boolean inputGradient) {
        if (!parameterGradients) {
            for (Stage s : stages) s.parameterGradients(false);
        }
        try {
            return backwardThroughStages(gradOut, parameterGradients, inputGradient);
        } finally {
            if (!parameterGradients) {
                for (Stage s : stages) s.parameterGradients(true);
            }
        }
    }

    private INDArray backwardThroughStages(INDArray gradOut, boolean parameterGradients, boolean inputGradient) {
        INDArray g = gradOut;
        // without an input gradient, the reshapes that lead G's chain (noise to [B, nz, 1, 1]) pass the question on
        // to the first stage with arithmetic, which then skips the input gradient (a deconvolution's data pass)
        int first = 0;
        while (!inputGradient && first < stages.size() - 1 && stages.get(first) instanceof ReshapeStage) first++;
        for (int i = stages.size() - 1; i > first; i--) g = stages.get(i).backward(g);
        g = stages.get(first).backward(g, inputGradient);
        if (first > 0) g = null;
        norm.endTrainingPass(parameterGradients);
        return g;
    }

    /** For tests: DL4J's updater on every update, never {@link AdamStep}. */
    void useDl4jUpdater() {
        javaAdam = false;
    }

    /** For tests: the {@link AdamStep} pass over this many threads, from the next plan on. */
    void adamThreads(int threads) {
        adamThreads = threads;
    }

    /** Whether the last update ran as {@link AdamStep}. */
    boolean javaAdam() {
        return adam != null && adam.serves(graph);
    }

    /** Views of the gradient view by DL4J variable name ("d_conv1_W", ...), as DL4J's own Gradient names them. */
    Map<String, INDArray> gradientsByVariable() {
        return gradient.gradientForVariable();
    }

    /** Updates the graph's updater has made (DL4J's iteration count). */
    long iterations() {
        return graph.getIterationCount();
    }

    /** The graph's flat gradient view. */
    INDArray gradients() {
        return gradient.gradient();
    }

    /**
     * One step of the graph's own updater on the gradient view, as DL4J's fit does it: the updater divides the
     * minibatch sums by the batch size (not the BatchNorm running statistics), then params -= update, then the
     * iteration count moves on (Adam's bias correction and any schedule read it). Frozen blocks' updates are 0.
     * After the updater's first update, {@link AdamStep} stands in for it where it can, with the same numbers.
     */
    void update(int batchSize) {
        int iteration = graph.getIterationCount(), epoch = graph.getEpochCount();
        if (adam != null && adam.serves(graph) && !frozen.any()) {
            // the update and params -= update in one pass
            adam.update(iteration, epoch, batchSize, true);
            BaseOptimizer.incrementIterationCount(graph, 1);
            return;
        }
        if (adam != null && adam.serves(graph)) {
            adam.update(iteration, epoch, batchSize, false);
        } else {
            graph.getUpdater().update(gradient, iteration, epoch, batchSize, NO_WORKSPACES);
            if (graph.getUpdater() != unplanned && javaAdam) {
                adam = AdamStep.plan(graph, adamThreads);
                unplanned = adam == null ? graph.getUpdater() : null;
            }
        }
        frozen.holdUpdates();
        graph.params().subi(gradient.gradient());
        BaseOptimizer.incrementIterationCount(graph, 1);
    }
}
