package dev.gan.train;

import dev.gan.UserException;
import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.config.TrainingConfig;
import dev.gan.io.Checkpoints;
import dev.gan.step.SpectralNorm;
import dev.gan.step.Stabilisers;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * training.init_from (fine-tuning): a new run whose networks start from another run's checkpoint. The new config
 * builds G and D as usual, with a new optimiser and step 0; then every parameter of G and D (BatchNorm's running
 * statistics included), the EMA generator and the spectral-norm vectors are copied from the parent. Only weights
 * move across: learning rates, loss, data, length and everything else come from the new config. A parameter whose
 * shape differs - another architecture, width, image size, channel count, class count or latent size - stops the
 * run before it starts, naming the first such layer. A resumed run takes its networks from its own checkpoint and
 * never reads the parent again.
 */
public final class InitFrom {
    private InitFrom() {
    }

    /**
     * {@code cfg} with init_from resolved to the checkpoint file it names (a run directory: its latest checkpoint, as
     * gan sample resolves it), so that config.yaml records exactly the weights the run started from.
     */
    public static ExperimentConfig resolve(ExperimentConfig cfg) {
        if (!cfg.training().initialised()) return cfg;
        return cfg.withTraining(cfg.training().withInitFrom(file(cfg).toString()));
    }

    /**
     * Whether a run directory's saved config is {@code cfg}'s run: equal, or equal but for init_from (the run
     * recorded the checkpoint file cfg's run directory resolved to when it started) and training.precision auto (the
     * run recorded what it picked).
     */
    public static boolean sameRun(ExperimentConfig saved, ExperimentConfig cfg) {
        if (TrainingConfig.AUTO.equals(cfg.training().precision())) {
            cfg = cfg.withTraining(cfg.training().withPrecision(saved.training().precision()));
        }
        if (saved.equals(cfg)) return true;
        if (!saved.training().initialised() || !cfg.training().initialised()) return false;
        String recorded = saved.training().initFrom();
        return saved.equals(cfg.withTraining(cfg.training().withInitFrom(recorded)))
                && Path.of(recorded).normalize().startsWith(Path.of(cfg.training().initFrom()).normalize());
    }

    /**
     * A resume's {@code --set}s ({@code sets}) must leave init_from as the run recorded it ({@code saved}): the run
     * continues from its own checkpoint, so another parent would be recorded but never loaded.
     */
    static void requireKept(ExperimentConfig saved, ExperimentConfig cfg, List<String> sets) {
        if (!Objects.equals(cfg.training().initFrom(), saved.training().initFrom())) {
            throw new UserException("--set " + String.join(" --set ", sets) + ": a resumed run continues from its own "
                    + "checkpoint, and training.init_from records where it started (" + saved.training().initFrom()
                    + "); to fine-tune from another run start a new run with --config and --init-from");
        }
    }

    /** The checkpoint file of {@code cfg}'s init_from. */
    static Path file(ExperimentConfig cfg) {
        try {
            return Checkpoints.resolve(Path.of(cfg.training().initFrom()));
        } catch (UserException e) {
            throw new UserException("training.init_from: " + e.getMessage());
        }
    }

    /** The log line (and report fact) that names the parent, with the step its checkpoint was written at. */
    static String describe(ExperimentConfig cfg) {
        Path file = file(cfg);
        return "fine-tuned from " + file + " (its step " + Checkpoints.readState(file).step() + ")";
    }

    /**
     * New networks {@code g} and {@code d} of {@code cfg}, their parameters replaced by the parent's, with the
     * parent's EMA generator (or, when it had none, one that starts as the loaded G) and spectral-norm vectors.
     */
    static Networks load(ExperimentConfig cfg, ComputationGraph g, ComputationGraph d) {
        Path file = file(cfg);
        Checkpoints.Checkpoint parent = Checkpoints.read(file, false);
        String where = "training.init_from: " + file;
        ExperimentConfig parentCfg = ConfigLoader.fromYaml(parent.configYaml(), file + "!config.yaml", List.of());
        String sn = cfg.model().spectralNorm(), parentSn = parentCfg.model().spectralNorm();
        if (!sn.equals(parentSn)) {
            // the raw weights of a normalised layer mean W / sigma: the same numbers are another network without it
            throw new UserException(where + ": was trained with model.spectral_norm " + parentSn + " but this config "
                    + "has " + sn + ", which gives its weights another meaning; set model.spectral_norm=" + parentSn);
        }
        copy(parent.discriminator(), d, "discriminator", where);   // D first: it names most input mismatches
        copy(parent.generator(), g, "generator", where);
        ComputationGraph ema = null;
        if (cfg.training().ema().on() && parent.extras().generatorEma() != null) {
            ema = SpectralNorm.copyOf(g);   // this config's G graph, holding the parent's averaged weights
            copy(parent.extras().generatorEma(), ema, "EMA generator", where);
        }
        return new Networks(g, d, Stabilisers.resume(cfg, g, d, parent.extras().spectralNorm(), ema,
                file.toString()));
    }

    /**
     * Copies every parameter of {@code from} into {@code to}, after checking, in {@code to}'s topological order and
     * then for the parent's leftover layers, that each exists on both sides with the same shape.
     */
    static void copy(ComputationGraph from, ComputationGraph to, String net, String where) {
        Map<String, Map<String, INDArray>> parent = paramsByLayer(from), child = paramsByLayer(to);
        String fix = "; fine-tuning needs the parent's networks: use its model keys (widths, architecture, "
                + "conditioning, latent size) and data of its image size, channels and classes";
        for (var layer : child.entrySet()) {
            Map<String, INDArray> theirs = parent.get(layer.getKey());
            for (var p : layer.getValue().entrySet()) {
                INDArray mine = p.getValue(), old = theirs == null ? null : theirs.get(p.getKey());
                if (old == null || !Arrays.equals(old.shape(), mine.shape())) {
                    throw new UserException(where + ": " + net + " layer " + layer.getKey() + " parameter "
                            + p.getKey() + " is " + shape(old) + " in the parent but " + shape(mine) + " here" + fix);
                }
            }
        }
        for (var layer : parent.entrySet()) {
            for (var p : layer.getValue().entrySet()) {
                Map<String, INDArray> mine = child.get(layer.getKey());
                if (mine == null || !mine.containsKey(p.getKey())) {
                    throw new UserException(where + ": " + net + " layer " + layer.getKey() + " parameter "
                            + p.getKey() + " is " + shape(p.getValue()) + " in the parent but absent here" + fix);
                }
            }
        }
        child.forEach((layer, params) -> params.forEach((key, view) -> view.assign(parent.get(layer).get(key))));
    }

    private static String shape(INDArray a) {
        return a == null ? "absent" : Arrays.toString(a.shape());
    }

    /** Each layer's parameter views by DL4J key ("W", "b", "gamma", "mean", ...), layers in topological order. */
    private static Map<String, Map<String, INDArray>> paramsByLayer(ComputationGraph graph) {
        Map<String, Map<String, INDArray>> out = new LinkedHashMap<>();
        for (int i : graph.topologicalSortOrder()) {
            var vertex = graph.getVertices()[i];
            if (!vertex.hasLayer()) continue;
            Layer layer = vertex.getLayer();
            if (layer.numParams() > 0) out.put(vertex.getVertexName(), layer.paramTable());
        }
        return out;
    }
}
