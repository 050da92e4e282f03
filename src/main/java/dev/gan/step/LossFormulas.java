package dev.gan.step;

import java.util.function.DoubleFunction;

/**
 * What every {@link GanLoss} is made of, held as data: its name, its three per-example functions (D's on a real
 * image for a given target, D's on a fake, G's on a fake) and what its D(x) / D(G(z)) mean. A loss then only says
 * which formulas it uses, and overrides {@link GanLoss#shown} and the flags where it differs.
 */
abstract class LossFormulas implements GanLoss {
    private final String name;
    private final String shownMeaning;
    private final DoubleFunction<LogitFunction> real;
    private final LogitFunction fake;
    private final LogitFunction generator;

    LossFormulas(String name, String shownMeaning, DoubleFunction<LogitFunction> real, LogitFunction fake,
                 LogitFunction generator) {
        this.name = name;
        this.shownMeaning = shownMeaning;
        this.real = real;
        this.fake = fake;
        this.generator = generator;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final LogitFunction real(double target) {
        return real.apply(target);
    }

    @Override
    public final LogitFunction fake() {
        return fake;
    }

    @Override
    public final LogitFunction generator() {
        return generator;
    }

    @Override
    public final String shownMeaning() {
        return shownMeaning;
    }
}
