package dev.gan.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.config.ExperimentConfig;

import java.util.Map;

/**
 * One run of a sweep, as the plan expands it: its directory name, the keys it sets on top of the base config (in
 * plan order, values as shown to the user), and the validated config it trains.
 *
 * @param index     1-based position in the plan
 * @param name      directory name inside the sweep folder, e.g. {@code 003_g.lr-0.0002_seed-2}
 * @param overrides key path -> value, from {@code grid:} and {@code runs:} (not the common {@code set:}, not the seed)
 * @param seed      the run's seed (from {@code seeds:}, or the base config's)
 * @param config    the merged config, validated by the config funnel
 */
public record PlannedRun(int index, String name, Map<String, String> overrides, long seed, ExperimentConfig config) {

    /** {@code training.g.lr=0.0001 training.g.beta1=0.5}: the overrides as one would type them after --set. */
    public String overridesText() {
        StringBuilder sb = new StringBuilder();
        overrides.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    /** Adds {@code run}, {@code overrides} and {@code seed} to a JSON object (sweep.json, --json). */
    public ObjectNode describe(ObjectNode into) {
        into.put("run", name);
        ObjectNode o = into.putObject("overrides");
        overrides.forEach(o::put);
        into.put("seed", seed);
        return into;
    }
}
