package dev.gan.system;

/**
 * Runs the Java garbage collector when the process's anonymous resident memory has grown by a set amount since the
 * last collection. ND4J frees an array's native buffer only when the collector finds its small Java object dead,
 * and a training step leaves megabytes of such arrays (a batch, the fakes, their gradients, the buffers pinned by
 * per-op contexts) while allocating little on the Java heap: the heap had no reason to collect for hundreds of
 * steps, so dead buffers piled up - measured on the dl4j engine at DCGAN-28, RssAnon +2.1 MB a step between
 * collections, and ND4J's only other trigger is JavaCPP's process limit (8 GB under the launcher). Collecting when
 * resident memory has grown ties the buffers' lifetime to what they cost; a run whose memory is flat never collects
 * here. Where /proc is absent it does nothing.
 */
public final class NativeGarbage {
    /** Growth of RssAnon, in KB, that triggers a collection. */
    private final long thresholdKb;
    /** RssAnon after the last collection had time to free its buffers; -1 until measured. */
    private long baselineKb = -1;
    private boolean collected;
    private long collections;

    public NativeGarbage(long thresholdMb) {
        this.thresholdKb = thresholdMb * 1024;
    }

    /** Call once per training step. */
    public void afterStep() {
        long now = ResidentMemory.anonymousKb();
        if (now < 0) return;
        if (baselineKb < 0 || collected) {
            // the first step, or a step after a collection (ND4J's deallocator thread has released what it found)
            baselineKb = now;
            collected = false;
            return;
        }
        if (now - baselineKb > thresholdKb) {
            System.gc();
            collected = true;
            collections++;
        }
    }

    /** How many collections it has run. */
    public long collections() {
        return collections;
    }
}
