package dev.gan.experiment;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch script of one submission: a job array whose task ids are the runs' numbers in the plan, each task
 * {@code gan sweep-task <folder> <number>} - which trains the run as {@code gan train --run-dir} does locally and
 * keeps its {@code status.json} - with the same java, JVM options and class path as the {@code gan sweep} that wrote
 * it: on a cluster that needs a shared filesystem holding the project, the data and the sweep folder at the same
 * paths on every node.
 *
 * <p>Signals. Preemption, {@code scontrol requeue}, {@code scancel} and the time limit itself send SIGTERM to every
 * process of the task: the trainer finishes its step and writes a checkpoint, and with {@code --requeue} a preempted
 * task comes back and resumes from it. A time limit does not requeue, so {@code --signal=B:USR1@<signal_before>}
 * warns the batch shell first: it passes SIGTERM on (the run stops at a checkpoint) and then requeues its own task.
 * USR1 rather than TERM keeps the two apart: a task that was cancelled must not requeue itself.
 */
final class SlurmScript {
    private SlurmScript() {
    }

    /** The script for the given run numbers of a sweep folder. */
    static String text(SweepFolder folder, String sweepName, List<Integer> runs, SlurmOptions options) {
        Path root = folder.root().toAbsolutePath().normalize();
        List<String> s = new ArrayList<>();
        s.add("#!/bin/bash");
        s.add("# gan sweep " + root.getFileName() + ": one array task per run; the task id is the run's number in "
                + "sweep.json.");
        s.add("# Written and submitted by `gan sweep --executor slurm`; `gan sweep --status " + root + "` follows it.");
        s.add("#SBATCH --job-name=gan-" + sweepName);
        s.add("#SBATCH --array=" + arraySpec(runs) + (options.maxRunning() > 0 ? "%" + options.maxRunning() : ""));
        s.add("#SBATCH --output=" + root.resolve("slurm") + "/%A_%a.out");
        s.add("#SBATCH --open-mode=append");
        s.add("#SBATCH --chdir=" + Path.of("").toAbsolutePath());
        s.add("#SBATCH --requeue");
        if (options.signalBefore() > 0) s.add("#SBATCH --signal=B:USR1@" + options.signalBefore());
        for (String o : options.sbatchOptions()) s.add("#SBATCH " + o);
        s.add("");
        if (!options.setup().isEmpty()) {
            s.add("# slurm.setup of the plan");
            s.addAll(options.setup());
            s.add("");
        }
        s.add("# the training process gets the task's CPUs as its OpenMP threads");
        s.add("export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"");
        s.add("requeue=0");
        s.add("# near the time limit: stop the run at a checkpoint, then requeue this task to continue it");
        s.add("trap 'requeue=1; kill -TERM \"$task\" 2>/dev/null' USR1");
        s.add("# scancel, preemption, requeue: Slurm signals the java processes too; pass it on all the same");
        s.add("trap 'kill -TERM \"$task\" 2>/dev/null' TERM");
        s.add(command(root) + " &");
        s.add("task=$!");
        s.add("# a trap ends wait early: wait again until the task has ended");
        s.add("while :; do wait \"$task\"; code=$?; kill -0 \"$task\" 2>/dev/null || break; done");
        s.add("if [ \"$requeue\" = 1 ] && [ \"$code\" -gt 128 ]; then");
        s.add("  echo \"gan sweep: time limit near; requeueing task $SLURM_ARRAY_TASK_ID (job $SLURM_JOB_ID) to "
                + "resume from its checkpoint\"");
        s.add("  scontrol requeue \"$SLURM_JOB_ID\"");
        s.add("fi");
        s.add("exit \"$code\"");
        return String.join("\n", s) + "\n";
    }

    /** {@code 1-4,7,9-10}: the run numbers as an array range list. */
    static String arraySpec(List<Integer> runs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < runs.size(); ) {
            int j = i;
            while (j + 1 < runs.size() && runs.get(j + 1) == runs.get(j) + 1) j++;
            if (sb.length() > 0) sb.append(',');
            sb.append(runs.get(i));
            if (j > i) sb.append('-').append(runs.get(j));
            i = j + 1;
        }
        return sb.toString();
    }

    /** The java command line of a task, each word quoted for the shell; GAN_JAVA picks another java. */
    private static String command(Path root) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> words = new ArrayList<>();
        words.add("\"${GAN_JAVA:-" + java.replace("\"", "\\\"") + "}\"");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp")) words.add(quote(arg));   // a debugger port can be bound only once
        }
        words.addAll(List.of("-cp", quote(System.getProperty("java.class.path")), TrainProcess.MAIN, "sweep-task",
                quote(root.toString()), "\"$SLURM_ARRAY_TASK_ID\""));
        return String.join(" ", words);
    }

    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
