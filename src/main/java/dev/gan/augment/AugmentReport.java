package dev.gan.augment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.eval.ClassifierFile;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of {@code gan augment}: the rows, printed as a table, and with the protocol as JSON.
 *
 * @param protocol      how it was measured: checkpoint, data and their fingerprints, sizes, seeds, classifier budget
 * @param rows          one per training set and size, in table order
 * @param real          real images per class, ascending
 * @param synthetic     synthetic images per class above 0, ascending
 */
public record AugmentReport(ObjectNode protocol, List<Row> rows, List<Integer> real, List<Integer> synthetic) {

    /** The table and, per real size, the verdict on the synthetic images. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%10s  %-22s %11s  %-17s  %s", "real/class", "training set", "synth/class",
                "test accuracy", "vs real only (95% interval)"));
        for (Row r : rows) {
            Row.Stats a = r.accuracy(), g = r.gain();
            out.add(String.format(Locale.ROOT, "%10s  %-22s %11d  %-17s  %s", r.real() == 0 ? "-" : r.real(),
                    r.arm().label, r.synthetic(), meanSd(a), g == null ? "" : gain(g)));
        }
        for (int n : real) out.add(verdict(n));
        return out;
    }

    /** "at 10 real/class, synthetic images helped at M = 100, 500; no clear change at 1000; flips/shifts: ..." */
    String verdict(int n) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "at %d real/class: ", n));
        List<String> parts = new ArrayList<>();
        for (Row r : rows) {
            if (r.real() != n || r.gain() == null) continue;
            String what = r.arm() == Row.Arm.CLASSIC ? "flips/shifts" : "+" + r.synthetic() + " synthetic";
            parts.add(what + " " + r.gain().verdict());
        }
        return s.append(String.join(", ", parts)).toString();
    }

    private static String meanSd(Row.Stats a) {
        return Double.isNaN(a.sd()) ? String.format(Locale.ROOT, "%.4f", a.mean())
                : String.format(Locale.ROOT, "%.4f ± %.4f", a.mean(), a.sd());
    }

    private static String gain(Row.Stats g) {
        return Double.isNaN(g.sd()) ? String.format(Locale.ROOT, "%+.4f", g.mean())
                : String.format(Locale.ROOT, "%+.4f ± %.4f (%+.4f .. %+.4f) %s", g.mean(), g.sd(), g.low(), g.high(),
                g.verdict());
    }

    public ObjectNode toJson() {
        ObjectNode root = ClassifierFile.JSON.createObjectNode();
        root.set("protocol", protocol);
        ArrayNode rs = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = rs.addObject().put("training_set", r.arm().key).put("real_per_class", r.real())
                    .put("synthetic_per_class", r.synthetic());
            ArrayNode acc = o.putArray("accuracies");
            for (double a : r.accuracies()) acc.add(a);
            stats(o, "accuracy", r.accuracy());
            if (r.gain() != null) {
                ArrayNode g = o.putArray("gains");
                for (double v : r.gains()) g.add(v);
                stats(o, "gain", r.gain());
                o.put("verdict", r.gain().verdict());
            }
        }
        ArrayNode verdicts = root.putArray("verdicts");
        for (int n : real) verdicts.add(verdict(n));
        return root;
    }

    private static void stats(ObjectNode o, String name, Row.Stats s) {
        o.put(name + "_mean", s.mean());
        if (Double.isNaN(s.sd())) {
            o.putNull(name + "_sd");
            o.putNull(name + "_ci95");
        } else {
            o.put(name + "_sd", s.sd());
            o.putArray(name + "_ci95").add(s.low()).add(s.high());
        }
    }

    public String toJsonText() {
        try {
            return ClassifierFile.JSON.writeValueAsString(toJson()) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
