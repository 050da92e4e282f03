package dev.gan.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lists GPUs with {@code nvidia-smi}: the fallback when the CUDA runtime cannot be loaded (its libraries missing is
 * then worth saying on its own), and on the CPU build a hint of what the CUDA build would find. nvidia-smi ignores
 * {@code CUDA_VISIBLE_DEVICES} and numbers GPUs by PCI bus, so the selection is applied here
 * ({@link VisibleDevices}); CUDA numbers them the same way with {@code CUDA_DEVICE_ORDER=PCI_BUS_ID}.
 */
final class NvidiaSmiProbe implements GpuProbe {
    static final String QUERY = "index,name,compute_cap,memory.total,driver_version,uuid";

    private final String visibleDevices;

    NvidiaSmiProbe(String visibleDevices) {
        this.visibleDevices = visibleDevices;
    }

    @Override
    public String source() {
        return "nvidia-smi";
    }

    @Override
    public List<Gpu> gpus() throws Unavailable {
        String out;
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=" + QUERY, "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Unavailable("nvidia-smi did not answer within 10 s");
            }
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new Unavailable("nvidia-smi failed: " + out.lines().findFirst().orElse("exit " + p.exitValue()));
            }
        } catch (IOException e) {
            throw new Unavailable("nvidia-smi is not installed (no NVIDIA driver on this machine?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
        return VisibleDevices.select(parse(out), visibleDevices);
    }

    /** One GPU of nvidia-smi's list, with the UUID that CUDA_VISIBLE_DEVICES may name it by. */
    record Listed(Gpu gpu, String uuid) {
    }

    /** Parses {@code --query-gpu=}{@link #QUERY} {@code --format=csv,noheader,nounits} output. */
    static List<Listed> parse(String csv) throws Unavailable {
        List<Listed> gpus = new ArrayList<>();
        for (String line : csv.lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.split(",\\s*");
            if (f.length < 6) throw new Unavailable("unexpected nvidia-smi output: " + line);
            try {
                int index = Integer.parseInt(f[0].strip());
                String[] cc = f[2].strip().split("\\.");
                long mib = Long.parseLong(f[3].strip());
                gpus.add(new Listed(new Gpu(index, f[1].strip(), Integer.parseInt(cc[0]), Integer.parseInt(cc[1]),
                        mib << 20, f[4].strip(), 0, 0), f[5].strip()));
            } catch (RuntimeException e) {
                throw new Unavailable("unexpected nvidia-smi output: " + line);
            }
        }
        return gpus;
    }
}
