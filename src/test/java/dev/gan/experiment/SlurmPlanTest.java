package dev.gan.experiment;

import dev.gan.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan's {@code slurm:} section and {@code --slurm} overrides: one exact message per kind of bad value, and the
 * batch script {@code --dry-run} shows. Needs no Slurm (see {@link SlurmSweepTest} for the real one).
 */
class SlurmPlanTest {
    @TempDir
    Path tmp;

    private TestRuns.Result sweep(String rest, String... args) throws Exception {
        Path plan = SweepPlans.write(tmp, "s", rest);
        String[] all = new String[args.length + 5];
        System.arraycopy(new String[]{"sweep", "--plan", plan.toString(), "--executor", "slurm"}, 0, all, 0, 5);
        System.arraycopy(args, 0, all, 5, args.length);
        return gan(all);
    }

    private void assertError(String expected, TestRuns.Result r) {
        assertEquals(2, r.exit(), r.toString());
        assertEquals(expected.replace("PLAN", tmp.resolve("s.yaml").toString()), r.err().strip());
        assertFalse(Files.exists(tmp.resolve("sweeps")), "nothing is created for a bad plan");
    }

    @Test
    void unknownKey() throws Exception {
        assertError("PLAN:12: unknown key slurm.partiton (known keys: partition, account, time, cpus_per_task, mem, "
                + "gres, max_running, signal_before, extra, setup)", sweep("slurm:\n  partiton: gpu\n"));
    }

    @Test
    void badTime() throws Exception {
        assertError("PLAN:12: slurm.time must be a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or "
                + "D-HH:MM:SS (got \"2h\")", sweep("slurm:\n  time: 2h\n"));
    }

    @Test
    void badCpusAndMemTogether() throws Exception {
        assertError("PLAN:12: slurm.cpus_per_task must be a whole number from 1 to 4096 (got 0)\n"
                        + "PLAN:13: slurm.mem must be a size such as 4G, 4096M or 4096 (megabytes) (got \"4 GB\")",
                sweep("slurm:\n  cpus_per_task: 0\n  mem: 4 GB\n"));
    }

    @Test
    void extraLinesMustBeOptions() throws Exception {
        assertError("PLAN:12: slurm.extra.0 must be an sbatch option, e.g. --constraint=avx2 or --qos=long "
                + "(got \"constraint=avx2\")", sweep("slurm:\n  extra: [constraint=avx2]\n"));
    }

    @Test
    void anOverrideIsCheckedLikeThePlanAndNamesTheFlag() throws Exception {
        assertError("--slurm signal_before=-5: slurm.signal_before must be a whole number from 0 to 65535 (got \"-5\")",
                sweep("", "--slurm", "signal_before=-5"));
        assertError("--slurm partition: expected key=value, e.g. --slurm partition=gpu (keys: partition, account, "
                + "time, cpus_per_task, mem, gres, max_running, signal_before, extra, setup)",
                sweep("", "--slurm", "partition"));
        TestRuns.Result local = gan("sweep", "--plan", tmp.resolve("s.yaml").toString(), "--slurm", "time=5");
        assertEquals(2, local.exit());
        assertTrue(local.err().startsWith("gan sweep: --slurm goes with --executor slurm"), local.err());
        assertEquals(2, sweep("", "--parallel", "2").exit(), "--parallel is the local executor's");
    }

    @Test
    void dryRunPrintsTheBatchScriptWithThePlansOptionsAndTheOverrides() throws Exception {
        TestRuns.Result r = sweep("""
                grid:
                  training.g.lr: [1.0e-4, 2.0e-4, 3.0e-4]
                slurm:
                  partition: debug
                  time: "1:00:00"
                  cpus_per_task: 2
                  mem: 4G
                  max_running: 2
                  extra: ["--qos=short"]
                  setup: ["module load java/17"]
                """, "--dry-run", "--slurm", "time=30", "--slurm", "signal_before=90");
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        for (String line : List.of("#SBATCH --array=1-3%2", "#SBATCH --requeue", "#SBATCH --signal=B:USR1@90",
                "#SBATCH --partition=debug", "#SBATCH --time=30", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=4G",
                "#SBATCH --qos=short", "module load java/17", "export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"",
                "dev.gan.Main sweep-task '" + tmp.resolve("sweeps/s-NNN").toAbsolutePath() + "' \"$SLURM_ARRAY_TASK_ID\"")) {
            assertTrue(out.contains(line), line + " in\n" + out);
        }
        assertTrue(out.contains("\n001_lr-0.0001  training.g.lr=0.0001 seed=7\n"), out);
        assertFalse(Files.exists(tmp.resolve("sweeps")), "a dry run creates nothing");
        assertEquals("1-3,5,7-8", SlurmScript.arraySpec(List.of(1, 2, 3, 5, 7, 8)));
    }
}
