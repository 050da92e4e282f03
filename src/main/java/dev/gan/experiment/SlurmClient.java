package dev.gan.experiment;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Slurm commands a sweep needs - {@code sbatch} to submit, {@code squeue} to see its array tasks - run as
 * processes, with their failures turned into one-line {@link SlurmException}s. No slurmdbd is assumed: {@code sacct}
 * is not used, finished tasks are known while the controller remembers them (MinJobAge) and from the runs' own
 * {@code status.json} afterwards.
 */
final class SlurmClient {
    /** How a user starts a Slurm on this machine; error messages name it. */
    static final String LOCAL_SCRIPT = "scripts/slurm-local.sh start";
    /** States in which a task is still the cluster's business: waiting, (re)starting, running or ending. */
    static final Set<String> LIVE = Set.of("PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "STOPPED",
            "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "SIGNALING", "STAGE_OUT", "RESV_DEL_HOLD");
    private static final long TIMEOUT_SECONDS = 300;   // sbatch itself retries an unreadable config for 60 s

    /**
     * One array task as squeue reports it.
     *
     * @param jobId    the array's job id
     * @param index    the array task id (a sweep's run number)
     * @param state    Slurm's job state, e.g. PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT
     * @param reason   why it waits or how it ended (BeginTime, Resources, NonZeroExitCode, ...)
     * @param restarts how often it was requeued
     * @param node     where it runs or ran (empty while pending)
     */
    record Task(String jobId, int index, String state, String reason, int restarts, String node) {
        boolean live() {
            return LIVE.contains(state);
        }

        boolean waiting() {
            return state.equals("PENDING") || state.startsWith("REQUEUE") || state.equals("SUSPENDED")
                    || state.equals("STOPPED");
        }
    }

    private SlurmClient() {
    }

    /** True when {@code command} is an executable file in one of the PATH's folders. */
    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }

    /** Fails with exit code 2 unless {@code command} is on the PATH. */
    static void require(String command) {
        if (!onPath(command)) {
            throw new SlurmException(2, command + ": not found on the PATH; --executor slurm needs the Slurm client "
                    + "commands: run gan where they are (a cluster's login node), or start a one-node Slurm here with "
                    + LOCAL_SCRIPT);
        }
    }

    /**
     * Submits a batch script; returns the job id. A refused job (bad partition, account, time, ...) is exit code 2,
     * naming the script and the plan's settings that sbatch was given.
     */
    static String submit(Path script, String settings) {
        require("sbatch");
        Output o = run(List.of("sbatch", "--parsable", script.toString()));
        if (o.code() != 0) {
            String why = o.problem();
            if (unreachable(why)) throw controllerDown("sbatch", why);
            throw new SlurmException(2, "sbatch refused the job: " + why + " (slurm settings: " + settings
                    + "; script " + script + "); fix the plan's slurm: section or give --slurm key=value");
        }
        String id = o.out().strip();
        int semi = id.indexOf(';');   // "<id>;<cluster>" on a federation
        id = semi < 0 ? id : id.substring(0, semi);
        if (!id.matches("\\d+")) {
            throw new SlurmException(1, "sbatch: unexpected answer \"" + o.out().strip() + "\" (expected a job id)");
        }
        return id;
    }

    /** Every task of these array jobs that the controller still knows, by job id then task id. */
    static Map<String, Map<Integer, Task>> tasks(Collection<String> jobIds) {
        Map<String, Map<Integer, Task>> out = new HashMap<>();
        if (jobIds.isEmpty()) return out;
        require("squeue");
        Output o = run(List.of("squeue", "--noheader", "--array", "--states=all", "--jobs=" + String.join(",", jobIds),
                "--Format=ArrayJobID:|,ArrayTaskID:|,State:|,Reason:|,RestartCnt:|,NodeList:|"));
        if (o.code() != 0) {
            String why = o.problem();
            if (why.contains("Invalid job id")) return out;   // all of them forgotten (older than MinJobAge)
            if (unreachable(why)) throw controllerDown("squeue", why);
            throw new SlurmException(1, "squeue failed: " + why);
        }
        for (String line : o.out().split("\n")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 6 || !f[1].strip().matches("\\d+")) continue;   // a task range not yet split
            Task t = new Task(f[0].strip(), Integer.parseInt(f[1].strip()), f[2].strip(), f[3].strip(),
                    f[4].strip().matches("\\d+") ? Integer.parseInt(f[4].strip()) : 0, f[5].strip());
            out.computeIfAbsent(t.jobId(), k -> new HashMap<>()).put(t.index(), t);
        }
        return out;
    }

    private static boolean unreachable(String why) {
        return why.contains("Unable to contact slurm controller") || why.contains("Socket timed out")
                || why.contains("Connection refused") || why.contains("Unable to process configuration file")
                || why.contains("Zero Bytes were transmitted");
    }

    private static SlurmException controllerDown(String command, String why) {
        return new SlurmException(1, command + ": cannot reach the Slurm controller (" + why + "); check that "
                + "slurmctld runs (scontrol ping; here: scripts/slurm-local.sh status) and SLURM_CONF, then run the "
                + "same command again: the sweep folder is unchanged");
    }

    /**
     * What a command printed and how it ended.
     *
     * @param code its exit code
     * @param out  its standard output
     * @param err  its standard error
     */
    private record Output(int code, String out, String err) {
        /** The line of stderr that says what went wrong, without the command's prefix. */
        String problem() {
            List<String> lines = err.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            String pick = null;
            for (String l : lines) if (l.contains("error:") || l.contains("fatal:")) pick = l;
            if (pick == null) pick = lines.isEmpty() ? "exit code " + code : lines.get(lines.size() - 1);
            int at = Math.max(pick.indexOf("error: "), pick.indexOf("fatal: "));
            return at < 0 ? pick : pick.substring(at + 7);
        }
    }

    private static Output run(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process p = pb.start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SlurmException(1, command.get(0) + ": no answer after " + TIMEOUT_SECONDS + " s");
            }
            return new Output(p.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new SlurmException(2, command.get(0) + ": cannot run it (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlurmException(1, command.get(0) + ": interrupted");
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ids in a list of jobs, each once, in order. */
    static List<String> distinct(Collection<String> ids) {
        List<String> out = new ArrayList<>();
        for (String id : ids) if (!out.contains(id)) out.add(id);
        return out;
    }
}
