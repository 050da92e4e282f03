package dev.gan.experiment;

import dev.gan.TestRuns;
import dev.gan.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Plan expansion (grid x seeds, runs lists, both) and the exact message of each kind of bad plan. */
class PlanReaderTest {
    @TempDir
    Path tmp;

    private static List<String> names(SweepPlan p) {
        return p.runs().stream().map(PlannedRun::name).toList();
    }

    private String error(String rest) throws Exception {
        Path plan = SweepPlans.write(tmp, "bad", rest);
        return assertThrows(UserException.class, () -> PlanReader.read(plan)).getMessage();
    }

    @Test
    void gridTimesSeedsIsTheCrossProductWithTheLastListFastest() throws Exception {
        SweepPlan p = PlanReader.read(SweepPlans.write(tmp, "grid", """
                grid:
                  training.g.lr: [1.0e-4, 2.0e-4]
                  training:
                    d_steps: [1, 2]
                seeds: [3, 4]
                """));
        assertEquals(8, p.runs().size());
        assertEquals(List.of("001_lr-0.0001_d_steps-1_seed-3", "002_lr-0.0001_d_steps-1_seed-4",
                "003_lr-0.0001_d_steps-2_seed-3", "004_lr-0.0001_d_steps-2_seed-4", "005_lr-0.0002_d_steps-1_seed-3",
                "006_lr-0.0002_d_steps-1_seed-4", "007_lr-0.0002_d_steps-2_seed-3", "008_lr-0.0002_d_steps-2_seed-4"),
                names(p));
        PlannedRun r = p.runs().get(5);
        assertEquals(Map.of("training.g.lr", "0.0002", "training.d_steps", "1"), r.overrides());
        assertEquals("training.g.lr=0.0002 training.d_steps=1", r.overridesText());
        assertEquals(4, r.seed());
        assertEquals(4, r.config().seed());
        assertEquals(2e-4, r.config().training().g().lr());
        assertEquals(1, r.config().training().dSteps());
        assertEquals(2e-4, r.config().training().d().lr(), "untouched keys keep the base's value");
        assertEquals(r.name(), r.config().name());
        assertEquals(tmp.resolve("sweeps"), p.sweepsDir());
        assertEquals(null, p.sortBy());
    }

    @Test
    void runsListsBundleKeysThatChangeTogether() throws Exception {
        SweepPlan p = PlanReader.read(SweepPlans.write(tmp, "runs", """
                set:
                  training.steps: 4
                runs:
                  - {training.g.lr: 1.0e-4, training.d.lr: 4.0e-4}
                  - training: {g: {lr: 3.0e-4}, steps: 2}
                sort_by: fid
                sort_order: desc
                """));
        assertEquals(List.of("001_g.lr-0.0001_d.lr-0.0004", "002_g.lr-0.0003_steps-2"), names(p));
        assertEquals(4e-4, p.runs().get(0).config().training().d().lr());
        assertEquals(4, p.runs().get(0).config().training().steps(), "set: applies to every run");
        assertEquals(2, p.runs().get(1).config().training().steps(), "a runs: entry overrides set:");
        assertEquals(7, p.runs().get(1).seed(), "no seeds: keeps the base's seed");
        assertEquals("fid", p.sortBy());
        assertEquals(true, p.descending());
    }

    @Test
    void runsTimesGridTimesSeeds() throws Exception {
        SweepPlan p = PlanReader.read(SweepPlans.write(tmp, "mixed", """
                runs:
                  - {training.label_smoothing: 0.0}
                  - {training.label_smoothing: 0.1}
                grid:
                  training.g.beta1: [0.5, 0.9]
                seeds: [1]
                """));
        assertEquals(List.of("001_label_smoothing-0_beta1-0.5_seed-1", "002_label_smoothing-0_beta1-0.9_seed-1",
                "003_label_smoothing-0.1_beta1-0.5_seed-1", "004_label_smoothing-0.1_beta1-0.9_seed-1"), names(p));
        assertEquals(0.1, p.runs().get(3).config().training().labelSmoothing());
        assertEquals(0.9, p.runs().get(3).config().training().g().beta1());
    }

    @Test
    void baseCanBeAConfigFileRelativeToThePlan() throws Exception {
        Path configs = Files.createDirectories(tmp.resolve("configs"));
        TestRuns.tinyConfig(configs, "tiny", "");
        Path plans = Files.createDirectories(configs.resolve("sweeps"));
        Path plan = plans.resolve("p.json");
        Files.writeString(plan, "{\"name\": \"p\", \"base\": \"../tiny.yaml\", \"grid\": {\"model.g_width\": [8, 16]}}");
        SweepPlan p = PlanReader.read(plan);
        assertEquals(List.of("001_g_width-8", "002_g_width-16"), names(p));
        assertEquals(16, p.runs().get(1).config().model().gWidth());
        assertEquals(6, p.runs().get(1).config().training().steps());
        assertEquals(Path.of("sweeps"), p.sweepsDir(), "default sweeps_dir");
    }

    @Test
    void anInvalidCombinationNamesThePlanLineAndTheRuns() throws Exception {
        String plan = tmp.resolve("bad.yaml").toString();
        // in the order the runs meet them; a problem shared by several runs is reported once
        assertEquals(plan + ":15: training.batch_size must be between 2 and 4096 (BatchNorm needs at least 2 images) "
                        + "(got 1) (in runs 002_lr-0.0001_batch_size-1, 004_lr-2_batch_size-1)\n"
                        + plan + ":14: training.g.lr must be > 0 and < 1 (got 2.0) (in runs 003_lr-2_batch_size-16, "
                        + "004_lr-2_batch_size-1)",
                error("""
                        grid:
                          training.g.lr:
                            - 1.0e-4
                            - 2.0
                          training.batch_size: [16, 1]
                        """));
        assertEquals(plan + ":12: unknown key training.lr (did you mean training.g.lr or training.d.lr?) (in all 2 runs)",
                error("""
                        set:
                          training.lr: 0.1
                        seeds: [1, 2]
                        """));
        assertEquals(plan + ":12: training.steps and training.epochs are both 0: set one of them > 0 "
                + "(in run 001_steps-0_epochs-0)", error("""
                        runs:
                          - {training.steps: 0, training.epochs: 0}
                        """));
        Path inline = tmp.resolve("inline.yaml");
        Files.writeString(inline, "name: inline\nbase:\n  training:\n    batch_size: 1\nseeds: [1, 2]\n");
        assertEquals(inline + ":4: training.batch_size must be between 2 and 4096 (BatchNorm needs at least 2 images) "
                + "(got 1) (in all 2 runs)", assertThrows(UserException.class, () -> PlanReader.read(inline)).getMessage());
    }

    @Test
    void badPlansSayWhatIsWrongWhere() throws Exception {
        String plan = tmp.resolve("bad.yaml").toString();
        assertEquals(plan + ":11: unknown key colour (known keys: name, base, set, grid, runs, seeds, sort_by, "
                + "sort_order, sweeps_dir, slurm)", error("colour: red\n"));
        assertEquals(plan + ":12: grid.training.g.lr must be a non-empty list of values, e.g. [1.0e-4, 2.0e-4] (got 0.1)",
                error("grid:\n  training.g.lr: 0.1\n"));
        assertEquals(plan + ":11: seeds.1 must be a whole number (got \"x\")", error("seeds: [1, x]\n"));
        assertEquals(plan + ":14: training.g.lr is also under grid: (" + plan + ":12); vary a key in grid: or in "
                        + "runs:, not both",
                error("grid:\n  training.g.lr: [0.1]\nruns:\n  - {training.g.lr: 0.2}\n"));
        assertEquals(plan + ":12: set.training.g.lr must be a single value; to try several values put the key under "
                + "grid: (got a list)", error("set:\n  training.g.lr: [0.1, 0.2]\n"));
        assertEquals(plan + ":11: sort_order must be asc (smallest first) or desc (got \"up\")", error("sort_order: up\n"));
        Path noBase = tmp.resolve("nobase.yaml");
        Files.writeString(noBase, "name: x\nbase: missing.yaml\n");
        assertEquals(noBase + ":2: base names no file: " + tmp.resolve("missing.yaml")
                        + " (a relative path is taken from the plan's folder)",
                assertThrows(UserException.class, () -> PlanReader.read(noBase)).getMessage());
        assertEquals("nothere.yaml: no such plan file; give a sweep plan, e.g. --plan configs/sweeps/lr-beta.yaml",
                assertThrows(UserException.class, () -> PlanReader.read(Path.of("nothere.yaml"))).getMessage());
    }
}
