package dev.gan.step;

import dev.gan.UserException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * training.freeze_d (FreezeD, Mo et al. 2020): D's first N blocks keep their values while the rest of D trains. A
 * block is one downsampling stage: in the DCGAN D, {@code d_convI} with its BatchNorm and activation layers
 * ({@code d_convI_*}); in the ResNet D, the residual block {@code d_blockI} (its convolutions, pools and shortcut,
 * {@code d_blockI_*}). The head (the logit layer, a projection's embedding, minibatch stddev) is never a block.
 *
 * <p>Both engines run D's updater on the whole gradient view and then subtract it from the parameters; between the
 * two, {@link #holdUpdates} sets the frozen layers' share of the update to exactly 0, so {@code W - 0} leaves their
 * weights bit-identical whatever Adam's state, weight decay or the learning rate. BatchNorm's running mean and
 * variance are parameters moved by that same update (DL4J-NOTES 2.4), so they hold too; a frozen layer's
 * spectral-norm vectors are held by {@link SpectralNorm#hold}. The gradients through the frozen blocks still flow to
 * the image, so G trains as before.
 */
public final class FrozenBlocks {
    /** Nothing frozen: {@link #holdUpdates} does nothing. */
    public static final FrozenBlocks NONE = new FrozenBlocks(List.of(), Set.of(), List.of());

    private static final Pattern BLOCK = Pattern.compile("^(d_conv|d_block)(\\d+)(_.*)?$");

    private final List<String> blocks;
    private final Set<String> layers;
    /** The frozen layers' views of D's flat gradient array, which holds the update between updater and subtraction. */
    private final List<INDArray> updates;

    private FrozenBlocks(List<String> blocks, Set<String> layers, List<INDArray> updates) {
        this.blocks = blocks;
        this.layers = layers;
        this.updates = updates;
    }

    /** D's blocks, first to last, by name ({@code d_conv1}, ... or {@code d_block1}, ...). */
    public static List<String> blocks(ComputationGraph d) {
        Set<String> out = new LinkedHashSet<>();
        for (int i : d.topologicalSortOrder()) {
            Matcher m = BLOCK.matcher(d.getVertices()[i].getVertexName());
            if (m.matches()) out.add(m.group(1) + m.group(2));
        }
        return List.copyOf(out);
    }

    /** D's first {@code n} blocks (training.freeze_d); a user error when D has fewer. */
    public static FrozenBlocks of(ComputationGraph d, int n) {
        if (n == 0) return NONE;
        List<String> all = blocks(d);
        if (n > all.size()) {
            throw new UserException("training.freeze_d is " + n + " but this discriminator has " + all.size()
                    + " blocks (" + String.join(", ", all) + "): set training.freeze_d between 0 and " + all.size());
        }
        List<String> frozen = all.subList(0, n);
        Set<String> names = new LinkedHashSet<>();
        List<INDArray> views = new ArrayList<>();
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            if (d.getGradientsViewArray() == null) d.initGradientsView();
            for (int i : d.topologicalSortOrder()) {
                var vertex = d.getVertices()[i];
                if (!vertex.hasLayer()) continue;
                Layer layer = vertex.getLayer();
                String name = vertex.getVertexName();
                Matcher m = BLOCK.matcher(name);
                if (!m.matches() || !frozen.contains(m.group(1) + m.group(2))) continue;
                names.add(name);
                if (layer.numParams() > 0) views.add(layer.getGradientsViewArray());
            }
        }
        return new FrozenBlocks(List.copyOf(frozen), java.util.Collections.unmodifiableSet(names), List.copyOf(views));
    }

    /** Between D's updater and {@code params -= update}: the frozen layers' update becomes exactly 0. */
    public void holdUpdates() {
        for (INDArray u : updates) u.assign(0);
    }

    /** The names of the frozen layers (for spectral norm's vectors). */
    public Set<String> layers() {
        return layers;
    }

    /** Whether any block is frozen. */
    public boolean any() {
        return !blocks.isEmpty();
    }

    /** For the log: which blocks are frozen. */
    public String describe() {
        return "D's first " + (blocks.size() == 1 ? "block" : blocks.size() + " blocks") + " frozen ("
                + String.join(", ", blocks) + "; layers " + String.join(", ", layers) + ")";
    }
}
