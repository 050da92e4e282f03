package dev.gan.cli;

import dev.gan.experiment.SlurmTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code gan sweep-task SWEEP_DIR RUN}: one array task of {@code gan sweep --executor slurm}, run by the batch script
 * the sweep submits; hidden from the help, since a user starts sweeps, not tasks.
 */
@Command(name = "sweep-task", hidden = true, mixinStandardHelpOptions = true,
        description = "Train one run of a Slurm sweep (what each array task of gan sweep --executor slurm runs).")
final class SweepTaskCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Parameters(index = "0", paramLabel = "SWEEP_DIR", description = "The sweep folder.")
    Path folder;

    @Parameters(index = "1", paramLabel = "RUN", description = "The run's number in the plan (the array task id).")
    int run;

    @Override
    public Integer call() {
        return SlurmTask.run(folder, run, root.out);
    }
}
