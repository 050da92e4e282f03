package dev.gan.step.fast.dnnl;

import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.lang.ref.Cleaner;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * Native buffers that one thread's oneDNN kernels share for the copies they need only during one call - a
 * convolution's blocked output before it goes back to NCHW, blocked dLoss/dOutput between the two backward passes,
 * the blocked input gradient: one buffer per slot, grown to its largest user. A network then holds one layer's worth
 * of these instead of one per layer (at ResNet-32's width 67 MB an array per 32x32 layer). Kernels run one after
 * another on the training thread, so a slot is never in use by two of them at once; a kernel binds its memories to
 * the slots at the start of every call, which also picks up a buffer that another kernel has grown since.
 */
final class Scratch {
    /** Slots: what a call writes first and reads last, in a kernel's order of calls. */
    static final int OUT = 0, DIFF_OUT_DATA = 1, DIFF_IN = 2, IN_AGAIN = 3;
    private static final int SLOTS = 4;
    private static final ThreadLocal<Scratch> OF_THREAD = ThreadLocal.withInitial(Scratch::new);
    private static final Cleaner CLEANER = Cleaner.create();

    private final Buffers buffers = new Buffers();

    private Scratch() {
        CLEANER.register(this, buffers);
    }

    static Scratch ofThisThread() {
        return OF_THREAD.get();
    }

    /** Points {@code m} at the slot's buffer, grown first to {@code bytes} when it is smaller. */
    void bind(dnnl_memory m, int slot, long bytes) {
        if (buffers.sizes[slot] < bytes) {
            if (buffers.memories[slot] != null) Dnnl.destroy(buffers.memories[slot]);
            buffers.memories[slot] = Dnnl.allocated(Dnnl.md(new long[]{bytes}, dnnl_u8, dnnl_a));
            buffers.sizes[slot] = bytes;
            PointerPointer<?> handle = new PointerPointer<>(1);
            Dnnl.check(dnnl_memory_get_data_handle(buffers.memories[slot], handle), "memory_get_data_handle");
            buffers.handles[slot] = handle.get(0);
        }
        Dnnl.check(dnnl_memory_set_data_handle(m, buffers.handles[slot]), "memory_set_data_handle");
    }

    /** The thread's buffers, freed when its Scratch is collected (the thread has ended). */
    private static final class Buffers implements Runnable {
        final dnnl_memory[] memories = new dnnl_memory[SLOTS];
        final long[] sizes = new long[SLOTS];
        final Pointer[] handles = new Pointer[SLOTS];

        @Override
        public void run() {
            for (dnnl_memory m : memories) if (m != null) Dnnl.destroy(m);
        }
    }
}
