package dev.gan.sample;

import dev.gan.UserException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --seeds 0-35,40}: seeds as people type them for StyleGAN2-ADA's {@code generate.py} - single seeds and
 * inclusive ranges, comma-separated - and the one default seed every verb of gan uses.
 */
public final class SeedList {
    /**
     * The default seed of every verb. 0 because the verbs whose seed fixes a recorded result (eval's reference draw,
     * augment's repeats, data split's hold-out) already used it, so their numbers and splits stay comparable.
     */
    public static final long DEFAULT = 0;
    /** {@link #DEFAULT} as picocli's {@code defaultValue} text. */
    public static final String DEFAULT_TEXT = "0";
    /** More seeds than this is a typo (each seed is at least one image). */
    public static final int MAX_SEEDS = 100_000;

    private static final Pattern ITEM = Pattern.compile("(-?\\d+)|(\\d+)-(\\d+)");

    private SeedList() {
    }

    /** The seeds of comma-separated items such as {@code 0-3} and {@code 7}, in the order given. */
    public static List<Long> parse(List<String> items) {
        List<Long> seeds = new ArrayList<>();
        for (String raw : items) {
            String item = raw.strip();
            Matcher m = ITEM.matcher(item);
            if (!m.matches()) {
                throw new UserException("--seeds " + String.join(",", items) + ": " + item + " is not a seed or a range; "
                        + "give seeds and ranges such as --seeds 0-35,40");
            }
            try {
                if (m.group(1) != null) {
                    seeds.add(Long.parseLong(m.group(1)));
                } else {
                    long from = Long.parseLong(m.group(2)), to = Long.parseLong(m.group(3));
                    if (to < from) {
                        throw new UserException("--seeds " + item + ": a range goes up (first-last, both included), "
                                + "e.g. --seeds " + to + "-" + from);
                    }
                    if (to - from >= MAX_SEEDS - seeds.size()) throw tooMany(items);
                    for (long s = from; s <= to; s++) seeds.add(s);
                }
            } catch (NumberFormatException e) {
                throw new UserException("--seeds " + item + ": a seed must fit in 64 bits");
            }
            if (seeds.size() > MAX_SEEDS) throw tooMany(items);
        }
        return seeds;
    }

    private static UserException tooMany(List<String> items) {
        return new UserException("--seeds " + String.join(",", items) + ": more than " + MAX_SEEDS + " seeds; give a "
                + "shorter range");
    }
}
