package dev.gan.train.listeners;

import dev.gan.train.StepStats;
import dev.gan.train.TrainingFailure;
import dev.gan.train.TrainingListener;
import dev.gan.train.TrainingRun;

/**
 * Stops the run at the first non-finite loss: from there on every parameter update spreads NaN, and writing a
 * checkpoint would overwrite good ones with garbage. The message says what to try and how to resume.
 */
public final class DivergenceGuard implements TrainingListener {
    @Override
    public void onStep(TrainingRun run, StepStats s, double seconds) {
        String bad = !Double.isFinite(s.lossD()) ? "loss_D is " + s.lossD()
                : !Double.isFinite(s.lossG()) ? "loss_G is " + s.lossG() : null;
        if (bad == null) return;
        String msg = "step " + run.step() + ": " + bad + ": training diverged. Try lower learning rates (e.g. --set "
                + "training.g.lr=1e-4 --set training.d.lr=1e-4) or training.label_smoothing=0.1, and resume from "
                + "the last good checkpoint: gan train --resume " + run.dir().root() + " --set ...";
        run.log().warn(msg);
        throw new TrainingFailure(msg);
    }
}
