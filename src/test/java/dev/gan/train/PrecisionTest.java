package dev.gan.train;

import dev.gan.TestRuns;
import dev.gan.UserException;
import dev.gan.io.Checkpoints;
import dev.gan.step.fast.Precision;
import dev.gan.step.fast.dnnl.Dnnl;
import dev.gan.system.SystemInfo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * training.precision through the real entry point: a bf16 run says so in its log, writes checkpoints that load and
 * resume (a resumed bf16 run ends where a straight one does, and may continue in fp32: the weights are float32 either
 * way), and every way it cannot run as asked is one line and exit 2 - a value that is no precision, the dl4j engine,
 * a model the fast engine does not cover, a CPU without bf16 arithmetic. gan bench times the same bf16 step.
 * training.precision auto picks bf16 only where every fact allows it, never fails for want of it, says why in one
 * line and records its pick, so that a resume keeps it. The numerics are in dev.gan.step.fast.DnnlConvStageTest and
 * Bf16StepNumericsTest.
 */
class PrecisionTest {
    @TempDir
    Path tmp;

    /** The bf16 runs need a CPU that does bf16: skipped, not failed, on one that does not. */
    private static void assumeBf16() {
        Assumptions.assumeFalse(SystemInfo.bf16(SystemInfo.cpuIsa()).isEmpty(), "no avx512_bf16 or amx_bf16 on this CPU");
        Assumptions.assumeTrue(Dnnl.bf16Isa() != null, "oneDNN does not dispatch to bf16 instructions here");
    }

    private static String precisionLine() {
        return "engine=fast, precision bf16 (oneDNN 2.5.2, " + Dnnl.bf16Isa()
                + " convolutions; fp32 master weights, BatchNorm and Adam)";
    }

    @Test
    void bf16RunResumesWhereAStraightRunEndsAndMayContinueInFp32() throws Exception {
        assumeBf16();
        Path straight = TestRuns.tinyConfig(tmp, "straight", ""), split = TestRuns.tinyConfig(tmp, "split", "");
        TestRuns.Result r = gan("train", "--config", straight.toString(), "--set", "training.precision=bf16");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains(precisionLine() + "\n"), r.out());
        assertTrue(Files.readString(tmp.resolve("runs/straight-001/log.txt")).contains(precisionLine()));
        assertTrue(Files.readString(tmp.resolve("runs/straight-001/config.yaml")).contains("  precision: bf16"));

        assertEquals(0, gan("train", "--config", split.toString(), "--set", "training.precision=bf16",
                "--set", "training.steps=3").exit());
        TestRuns.Result resumed = gan("train", "--resume", tmp.resolve("runs/split-001").toString(),
                "--set", "training.steps=6");
        assertEquals(0, resumed.exit(), resumed.toString());
        assertTrue(resumed.out().contains("resuming") && resumed.out().contains(precisionLine()), resumed.out());
        // the same bf16 kernels on the same numbers in the same order: the split run ends where the straight one does
        Checkpoints.Checkpoint a = Checkpoints.read(tmp.resolve("runs/straight-001/checkpoints/step-000006.zip"), true);
        Checkpoints.Checkpoint b = Checkpoints.read(tmp.resolve("runs/split-001/checkpoints/step-000006.zip"), true);
        assertClose(a.generator().params(), b.generator().params());
        assertClose(a.discriminator().params(), b.discriminator().params());
        assertClose(a.discriminator().updaterState(), b.discriminator().updaterState());
        assertEquals(6, b.generator().getIterationCount());

        TestRuns.Result fp32 = gan("train", "--resume", tmp.resolve("runs/split-001").toString(),
                "--set", "training.steps=8", "--set", "training.precision=fp32");
        assertEquals(0, fp32.exit(), fp32.toString());
        assertTrue(fp32.out().contains("engine=fast\n"), fp32.out());
        assertEquals(8, Checkpoints.read(tmp.resolve("runs/split-001/checkpoints/step-000008.zip"), true)
                .generator().getIterationCount());
    }

    @Test
    void dryRunNamesThePrecision() throws Exception {
        assumeBf16();
        Path cfg = TestRuns.tinyConfig(tmp, "dry", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--dry-run", "--set", "training.precision=bf16");
        assertTrue(r.out().contains("\nengine: " + precisionLine().substring("engine=".length()) + "\n"), r.out());
    }

    @Test
    void benchTimesTheBf16Step() throws Exception {
        assumeBf16();
        Path cfg = TestRuns.tinyConfig(tmp, "tinybench", "");
        TestRuns.Result r = gan("bench", "--config", cfg.toString(), "--steps", "1", "--warmup", "0", "--no-peak",
                "--set", "training.precision=bf16");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains(" backend=linux-x86_64-onednn/fast/bf16 "), r.out());
    }

    @Test
    void aValueThatIsNoPrecisionIsOneLine() throws Exception {
        assertEquals("--set training.precision=fp16: training.precision must be one of [fp32, bf16, auto] (got "
                + "\"fp16\")", configError("--set", "training.precision=fp16"));
    }

    @Test
    void autoTakesBf16OnlyWhereEveryFactAllowsIt() {
        List<String> flags = List.of("avx512_bf16");
        Supplier<String> dispatches = () -> "avx512_core_bf16", emulates = () -> null;
        assertEquals(new AutoPrecision(Precision.BF16, null), AutoPrecision.of(flags, "auto", dispatches, null));
        assertEquals(new AutoPrecision(Precision.BF16, null), AutoPrecision.of(List.of("amx_bf16"), "fast", dispatches,
                null));
        assertEquals(new AutoPrecision(Precision.FP32, "this CPU has no bf16 arithmetic: neither avx512_bf16 nor "
                + "amx_bf16 in /proc/cpuinfo"), AutoPrecision.of(List.of(), "auto", dispatches, null));
        assertEquals(new AutoPrecision(Precision.FP32, "training.engine is dl4j, and bf16 runs on the fast engine"),
                AutoPrecision.of(flags, "dl4j", dispatches, null));
        assertEquals(new AutoPrecision(Precision.FP32, "oneDNN does not use this CPU's bf16 instructions: is "
                        + "ONEDNN_MAX_CPU_ISA or DNNL_MAX_CPU_ISA set below avx512_core_bf16?"),
                AutoPrecision.of(flags, "auto", emulates, null));
        assertEquals(new AutoPrecision(Precision.FP32, "the fast engine does not cover the discriminator's layer "
                        + "d_mbstd (MinibatchStdDev)"),
                AutoPrecision.of(flags, "auto", dispatches, "the discriminator's layer d_mbstd (MinibatchStdDev)"));
        // without the CPU's flags oneDNN is never asked (asking loads it)
        AutoPrecision.of(List.of(), "auto", () -> {
            throw new AssertionError("oneDNN asked on a CPU without bf16");
        }, null);
        assertEquals("precision auto: fp32 (training.engine is dl4j, and bf16 runs on the fast engine)",
                AutoPrecision.of(flags, "dl4j", dispatches, null).line());
    }

    @Test
    void autoRecordsWhatItPickedSoThatAResumeKeepsIt() throws Exception {
        AutoPrecision here = AutoPrecision.onThisMachine();   // the tiny DCGAN is one the fast engine covers
        String picked = here.precision().key();
        Path cfg = TestRuns.tinyConfig(tmp, "auto", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--set", "training.precision=auto",
                "--set", "training.steps=3");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\nprecision auto: " + picked + " (" + here.why() + ")\n"), r.out());
        assertTrue(Files.readString(tmp.resolve("runs/auto-001/log.txt")).contains(here.line()));
        assertTrue(Files.readString(tmp.resolve("runs/auto-001/config.yaml")).contains("  precision: " + picked + "\n"));
        Checkpoints.Checkpoint ck = Checkpoints.read(tmp.resolve("runs/auto-001/checkpoints/step-000003.zip"), false);
        assertTrue(ck.configYaml().contains("  precision: " + picked + "\n"), ck.configYaml());

        TestRuns.Result resumed = gan("train", "--resume", tmp.resolve("runs/auto-001").toString(),
                "--set", "training.steps=6");
        assertEquals(0, resumed.exit(), resumed.toString());
        // the recorded precision, not a second decision
        assertTrue(resumed.out().contains(picked.equals("bf16") ? precisionLine() + "\n" : "engine=fast\n"),
                resumed.out());
        assertFalse(resumed.out().contains("precision auto:"), resumed.out());
        assertTrue(Files.readString(tmp.resolve("runs/auto-001/config.yaml")).contains("  precision: " + picked + "\n"));
        assertEquals(6, Checkpoints.read(tmp.resolve("runs/auto-001/checkpoints/step-000006.zip"), true)
                .generator().getIterationCount());

        // fine-tuning is a new run: it decides afresh
        TestRuns.Result tuned = gan("train", "--config", cfg.toString(), "--set", "training.precision=auto",
                "--set", "training.steps=2", "--init-from", tmp.resolve("runs/auto-001").toString());
        assertEquals(0, tuned.exit(), tuned.toString());
        assertTrue(tuned.out().contains("\n" + here.line() + "\n"), tuned.out());
        assertTrue(Files.readString(tmp.resolve("runs/auto-002/config.yaml")).contains("  precision: " + picked + "\n"));
    }

    @Test
    void aRunDirectoryStartedUnderAutoContinuesUnderTheSameConfig() throws Exception {
        // gan sweep's way: the same config, auto and all, trains in the same directory again and continues from its
        // checkpoint, whose config records what auto picked
        Path cfg = TestRuns.tinyConfig(tmp, "dir", "");
        Path dir = tmp.resolve("runs/dir");
        String[] args = {"train", "--config", cfg.toString(), "--run-dir", dir.toString(),
                "--set", "training.precision=auto", "--set", "training.steps=3"};
        assertEquals(0, gan(args).exit());
        TestRuns.Result again = gan(args);
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("resuming ") && again.out().contains(" at step 3\n"), again.out());
    }

    @Test
    void autoOnAModelTheFastEngineDoesNotCoverTrainsFp32AndSaysWhy() throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "mbstd", "");
        TestRuns.Result r = gan("train", "--config", cfg.toString(), "--dry-run", "--set", "training.precision=auto",
                "--set", "model.d_minibatch_stddev=true");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\nengine: dl4j (training.engine auto: the fast engine does not cover the "
                + "discriminator's layer d_mbstd (MinibatchStdDev))\n"), r.out());
        String expected = AutoPrecision.of(SystemInfo.bf16(SystemInfo.cpuIsa()), "auto", Dnnl::bf16Isa,
                "the discriminator's layer d_mbstd (MinibatchStdDev)").line();
        assertTrue(r.out().contains("\n" + expected + "\n"), r.out());
        assertTrue(expected.startsWith("precision auto: fp32 ("), expected);
    }

    @Test
    void benchTimesWhatAutoPicks() throws Exception {
        AutoPrecision here = AutoPrecision.onThisMachine();
        Path cfg = TestRuns.tinyConfig(tmp, "autobench", "");
        TestRuns.Result r = gan("bench", "--config", cfg.toString(), "--steps", "1", "--warmup", "0", "--no-peak",
                "--set", "training.precision=auto");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains(here.line() + "\n"), r.out());
        assertTrue(r.out().contains(" backend=linux-x86_64-onednn/fast" + (here.precision() == Precision.BF16
                ? "/bf16 " : " ")), r.out());
    }

    @Test
    void bf16OnTheDl4jEngineIsOneLine() throws Exception {
        assertEquals("--set training.precision=bf16: training.precision bf16 runs on the fast engine, and "
                        + "training.engine is dl4j: set training.engine to fast or auto (or training.precision to fp32)",
                configError("--set", "training.engine=dl4j", "--set", "training.precision=bf16"));
    }

    @Test
    void bf16OnAModelTheFastEngineDoesNotCoverIsOneLineNotAnFp32Run() throws Exception {
        assumeBf16();
        assertEquals("training.precision is bf16, which needs the fast engine, but it does not cover the "
                        + "discriminator's layer d_mbstd (MinibatchStdDev); set training.precision to fp32",
                configError("--set", "training.precision=bf16", "--set", "model.d_minibatch_stddev=true"));
    }

    @Test
    void bf16OnACpuWithoutBf16ArithmeticIsOneLine() {
        UserException e = assertThrows(UserException.class, () -> Engines.requireBf16(List.of()));
        assertEquals("training.precision is bf16, but this CPU has no bf16 arithmetic (neither avx512_bf16 nor "
                + "amx_bf16 in /proc/cpuinfo); set training.precision to fp32", e.getMessage());
        Engines.requireBf16(List.of("avx512_bf16"));
        Engines.requireBf16(List.of("amx_bf16"));
    }

    /** The one line a train command with these flags fails with, before any run directory exists. */
    private String configError(String... flags) throws Exception {
        Path cfg = TestRuns.tinyConfig(tmp, "bad", "");
        List<String> args = new java.util.ArrayList<>(List.of("train", "--config", cfg.toString()));
        args.addAll(List.of(flags));
        TestRuns.Result r = gan(args.toArray(String[]::new));
        assertEquals(2, r.exit(), r.toString());
        assertFalse(Files.exists(tmp.resolve("runs/bad-001")), "no run directory");
        assertEquals(1, r.err().strip().lines().count(), r.err());
        return r.err().strip();
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-6 * scale, "max |diff| " + diff + " vs scale " + scale);
    }
}
