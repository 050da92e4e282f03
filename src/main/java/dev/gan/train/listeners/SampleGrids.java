package dev.gan.train.listeners;

import dev.gan.generate.Samples;
import dev.gan.io.ImageGrid;
import dev.gan.io.RunDirectory;
import dev.gan.step.StepStats;
import dev.gan.train.TrainingListener;
import dev.gan.train.TrainingRun;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * {@code reals.png} once, and {@code samples/step-NNNNNN.png} from the run's fixed noise at step 0, every
 * {@code output.sample_every} steps and at the end: the same noise every time, so the grids show one generator
 * learning. For a CGAN each row is a class, named at its left. The grids show the run's sampling generator: the EMA
 * generator when training.ema is on.
 */
public final class SampleGrids implements TrainingListener {
    private Samples.GridInputs inputs;
    private long lastWritten = -1;

    @Override
    public void onStart(TrainingRun run) {
        inputs = Samples.GridInputs.of(run.shape(), run.config().seed(), run.config().output().gridSize());
        if (!java.nio.file.Files.exists(run.dir().file(RunDirectory.REALS))) {
            INDArray reals = Samples.reals(run.data(), run.shape(), inputs.rows(), inputs.cols());
            ImageGrid.writePng(ImageGrid.grid(reals, inputs.rows(), inputs.cols(), rowLabels(run)),
                    run.dir().file(RunDirectory.REALS));
        }
        if (run.step() == 0) write(run);
    }

    @Override
    public void onStep(TrainingRun run, StepStats stats, double seconds) {
        if (run.step() % run.config().output().sampleEvery() == 0) write(run);
    }

    @Override
    public void onEnd(TrainingRun run, Outcome outcome) {
        if (outcome != Outcome.FAILED && lastWritten != run.step()) write(run);
    }

    private void write(TrainingRun run) {
        INDArray images = Samples.generate(run.samplingGenerator(), run.shape(), inputs.z(), inputs.labels(),
                run.config().training().batchSize());
        ImageGrid.writePng(ImageGrid.grid(images, inputs.rows(), inputs.cols(), rowLabels(run)),
                run.dir().sampleGrid(run.step()));
        lastWritten = run.step();
    }

    private static List<String> rowLabels(TrainingRun run) {
        return run.shape().conditional() ? run.classNames() : null;
    }
}
