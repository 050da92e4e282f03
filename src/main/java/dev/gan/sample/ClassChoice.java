package dev.gan.sample;

import dev.gan.UserException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which classes to draw, from {@code --class NAME|INDEX|all}: none for a DCGAN, one class, or all classes of a CGAN.
 * A plan of images cycles through the chosen classes, so image {@code i} has class {@code indices[i % n]}.
 *
 * @param indices chosen class indices in class order (empty for an unconditional model)
 * @param all     every class of the checkpoint was asked for (grids then draw one row per class)
 */
public record ClassChoice(int[] indices, boolean all) {

    public static final ClassChoice NONE = new ClassChoice(new int[0], false);

    /** Parses {@code --class}; {@code spec} null means all classes of a CGAN and none of a DCGAN. */
    public static ClassChoice parse(SampleModel model, String spec) {
        List<String> names = model.classNames();
        if (!model.conditional()) {
            if (spec != null) {
                throw new UserException("--class " + spec + ": " + model.file() + " is an unconditional DCGAN "
                        + "checkpoint and has no classes; leave out --class (or sample from a CGAN checkpoint)");
            }
            return NONE;
        }
        int k = names.size();
        if (spec == null || spec.equalsIgnoreCase("all")) {
            int[] all = new int[k];
            for (int i = 0; i < k; i++) all[i] = i;
            return new ClassChoice(all, true);
        }
        int found = names.indexOf(spec);
        if (found < 0) {
            for (int i = 0; i < k && found < 0; i++) if (names.get(i).equalsIgnoreCase(spec)) found = i;
        }
        if (found < 0 && spec.matches("\\d{1,9}")) {
            int index = Integer.parseInt(spec);
            if (index >= k) {
                throw new UserException("--class " + spec + ": class index must be 0.." + (k - 1) + " (" + model.file()
                        + " has " + k + " classes)");
            }
            found = index;
        }
        if (found < 0) {
            throw new UserException("--class " + spec + ": no such class in " + model.file() + "; give a name, an "
                    + "index 0.." + (k - 1) + " or all (classes: " + String.join(", ", numbered(names)) + ")");
        }
        return new ClassChoice(new int[]{found}, false);
    }

    public boolean none() {
        return indices.length == 0;
    }

    /** The class of image {@code i} of a plan, or -1 for an unconditional model. */
    public int labelOf(long i) {
        return indices.length == 0 ? -1 : indices[(int) (i % indices.length)];
    }

    /** Labels of images {@code first .. first+n-1}, or null for an unconditional model. */
    public int[] labels(long first, int n) {
        if (none()) return null;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = labelOf(first + i);
        return out;
    }

    /** File-name suffix: empty, {@code -all}, or {@code -<class name>} made safe for a file name. */
    public String fileTag(SampleModel model) {
        if (none()) return "";
        return all ? "-all" : "-" + OutputFiles.safeName(model.classNames().get(indices[0]));
    }

    private static List<String> numbered(List<String> names) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) out.add(String.format(Locale.ROOT, "%d %s", i, names.get(i)));
        return out;
    }
}
