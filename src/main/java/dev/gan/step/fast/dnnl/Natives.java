package dev.gan.step.fast.dnnl;

import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;

/**
 * The oneDNN objects that one kernel object owns - its stream, memories and primitives - freed when the owner is
 * closed or collected (oneDNN's objects are not JavaCPP's to free). It holds no reference to its owner, so that the
 * owner can be collected.
 */
final class Natives implements Runnable {
    private static final Cleaner CLEANER = Cleaner.create();

    final dnnl_stream stream = Dnnl.stream();
    private final List<dnnl_memory> memories = new ArrayList<>();
    private final List<Dnnl.Exec> execs = new ArrayList<>();
    private final List<dnnl_primitive_desc> descs = new ArrayList<>();

    /** Frees these when {@code owner} is collected, or when the returned handle is cleaned. */
    Cleaner.Cleanable freeWith(Object owner) {
        return CLEANER.register(owner, this);
    }

    /** A memory with no buffer yet ({@link Dnnl#user}). */
    dnnl_memory user(dnnl_memory_desc_t md) {
        return keep(Dnnl.user(md));
    }

    /** A memory whose buffer oneDNN allocates ({@link Dnnl#allocated}). */
    dnnl_memory allocated(dnnl_memory_desc_t md) {
        return keep(Dnnl.allocated(md));
    }

    /** A primitive descriptor that no {@link Dnnl.Exec} owns (a backward pass's hint). */
    dnnl_primitive_desc desc(dnnl_primitive_desc d) {
        descs.add(d);
        return d;
    }

    Dnnl.Exec exec(Dnnl.Exec e) {
        execs.add(e);
        return e;
    }

    private dnnl_memory keep(dnnl_memory m) {
        memories.add(m);
        return m;
    }

    @Override
    public void run() {
        execs.forEach(Dnnl.Exec::destroy);
        descs.forEach(org.bytedeco.dnnl.global.dnnl::dnnl_primitive_desc_destroy);
        memories.forEach(Dnnl::destroy);
        Dnnl.destroy(stream);
    }
}
