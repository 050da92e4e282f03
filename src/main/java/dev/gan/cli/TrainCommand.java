package dev.gan.cli;

import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.train.RunSetup;
import dev.gan.train.TrainSession;
import dev.gan.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gan train}: a new run from a config, or the continuation of one from its checkpoint. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a GAN from a YAML or JSON config, or resume a run.",
                "Writes runs/<name>-NNN/: config.yaml, command.txt, log.txt, metrics.csv, reals.png, loss.png, "
                        + "report.html, samples/step-NNNNNN.png, checkpoints/step-NNNNNN.zip."})
final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Experiment config (.yaml, .yml or .json).")
    Path config;

    @Mixin
    Overrides overrides;

    @Option(names = "--resume", paramLabel = "RUN_DIR|CHECKPOINT",
            description = "Continue a run from its latest checkpoint (or the given checkpoint file).")
    Path resume;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Train in this run directory (created if needed) instead of a new runs/<name>-NNN; "
                    + "continues from its latest checkpoint if it has one (gan sweep runs each run this way).")
    Path runDir;

    @Option(names = "--init-from", paramLabel = "CHECKPOINT|RUN_DIR",
            description = "Fine-tune: a new run starts from the G, D and EMA G weights of this checkpoint (a run "
                    + "directory: its latest), with a new optimiser and step 0; the flag form of training.init_from.")
    Path initFrom;

    @Option(names = "--dry-run", description = "Print the resolved config and both network summaries, then exit.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (config == null && resume == null) {
            throw new ParameterException(spec.commandLine(), "gan train: give --config FILE for a new run, or --resume "
                    + "RUN_DIR to continue one (e.g. gan train --config configs/dcgan.yaml)");
        }
        if (config != null && resume != null) {
            throw new ParameterException(spec.commandLine(), "gan train: --config and --resume cannot be combined: a "
                    + "resumed run uses the config saved in its checkpoint; change keys with --set");
        }
        if (initFrom != null && resume != null) {
            throw new ParameterException(spec.commandLine(), "gan train: --init-from starts a new run (with --config); "
                    + "--resume continues a run from its own checkpoint, fine-tuned or not");
        }
        List<String> sets = overrides.sets;
        if (initFrom != null) sets.add("training.init_from=" + initFrom);
        boolean terminal = root.terminal();
        TrainSession.Options options = new TrainSession.Options(root.out, terminal, root.commandLine());
        if (resume != null) {
            if (dryRun) throw new ParameterException(spec.commandLine(), "gan train: --dry-run goes with --config");
            if (runDir != null) {
                throw new ParameterException(spec.commandLine(), "gan train: --run-dir goes with --config; --resume "
                        + "continues in the run directory of the checkpoint");
            }
            return exitCode(TrainSession.resume(resume, sets, options));
        }
        ExperimentConfig cfg = ConfigLoader.load(config, sets);
        if (dryRun) {
            RunSetup.dryRun(cfg, root.out);
            return Gan.OK;
        }
        if (runDir != null) return exitCode(TrainSession.trainIn(cfg, runDir, options));
        return exitCode(TrainSession.start(cfg, options));
    }

    private static int exitCode(TrainSession.Result r) {
        return r.outcome() == TrainingListener.Outcome.FAILED ? Gan.FAILURE : Gan.OK;
    }
}
