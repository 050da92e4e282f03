package dev.gan.system;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code CUDA_VISIBLE_DEVICES} as CUDA applies it: unset, every GPU; otherwise a comma-separated list of indices or
 * UUIDs (a unique prefix such as {@code GPU-8f3a} is enough), in the order given, which becomes devices 0, 1, ...;
 * the list ends at the first entry that names no GPU (so {@code -1} or an empty value hides them all).
 */
final class VisibleDevices {
    private VisibleDevices() {
    }

    static List<Gpu> select(List<NvidiaSmiProbe.Listed> all, String env) {
        List<Gpu> out = new ArrayList<>();
        if (env == null) {
            for (NvidiaSmiProbe.Listed l : all) out.add(l.gpu());
            return out;
        }
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (String entry : env.split(",", -1)) {
            NvidiaSmiProbe.Listed found = find(all, entry.strip());
            if (found == null || !taken.add(found.gpu().index())) break;
            Gpu g = found.gpu();
            out.add(new Gpu(out.size(), g.name(), g.major(), g.minor(), g.memoryBytes(), g.driverVersion(),
                    g.driverCudaVersion(), g.runtimeVersion()));
        }
        return out;
    }

    private static NvidiaSmiProbe.Listed find(List<NvidiaSmiProbe.Listed> all, String entry) {
        if (entry.matches("\\d+")) {
            int index = Integer.parseInt(entry);
            return all.stream().filter(l -> l.gpu().index() == index).findFirst().orElse(null);
        }
        if (entry.startsWith("GPU-")) {
            List<NvidiaSmiProbe.Listed> m = all.stream().filter(l -> l.uuid().startsWith(entry)).toList();
            return m.size() == 1 ? m.get(0) : null;
        }
        return null;
    }
}
