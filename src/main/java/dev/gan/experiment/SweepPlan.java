package dev.gan.experiment;

import java.nio.file.Path;
import java.util.List;

/**
 * A sweep plan, read and expanded by {@link PlanReader}: every run it makes, each with a config that has already
 * passed the config funnel.
 *
 * @param file       the plan file
 * @param name       names the sweep folder {@code <sweeps_dir>/<name>-NNN}
 * @param sweepsDir  folder that holds sweep folders
 * @param runs       the runs in plan order
 * @param sortBy     summary column to sort the runs by ({@code null}: plan order)
 * @param descending sort larger values first
 * @param slurm      what {@code --executor slurm} asks the cluster for (the plan's {@code slurm:} section)
 */
public record SweepPlan(Path file, String name, Path sweepsDir, List<PlannedRun> runs, String sortBy,
                        boolean descending, SlurmOptions slurm) {
}
