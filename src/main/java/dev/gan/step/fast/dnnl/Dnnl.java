package dev.gan.step.fast.dnnl;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_binary_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * Plumbing over oneDNN 2.5's C API as JavaCPP's dnnl presets expose it: the CPU engine, memory descriptors, memories
 * over ND4J arrays, primitives with their argument lists built once, reorders. This oneDNN is not the one inside
 * libnd4j (2.3, linked statically there, so the two never meet); it shares ND4J's libgomp, so OMP_NUM_THREADS sets
 * the threads of both.
 *
 * <p>JavaCPP frees the native memory of a Pointer it allocated (an argument list, a memory descriptor) once the Java
 * object is collected: everything a primitive reads at execution is kept in a field of whoever runs it.
 */
public final class Dnnl {
    /** (void*)-1, DNNL_MEMORY_ALLOCATE in dnnl.h: oneDNN allocates the buffer. The presets do not map the macro. */
    private static final Pointer ALLOCATE = new Pointer() {
        {
            address = -1L;
        }
    };

    private Dnnl() {
    }

    /** The engine, created on first use: loading the presets' libraries is a cost only bf16 runs pay. */
    private static final class Engine {
        static final dnnl_engine CPU = create();

        private static dnnl_engine create() {
            dnnl_engine e = new dnnl_engine();
            check(dnnl_engine_create(e, dnnl_cpu, 0), "engine_create");
            return e;
        }
    }

    static dnnl_engine engine() {
        return Engine.CPU;
    }

    /** A stream of its own for each user: oneDNN streams are not to be shared between threads. */
    static dnnl_stream stream() {
        dnnl_stream s = new dnnl_stream();
        check(dnnl_stream_create(s, engine(), dnnl_stream_default_flags), "stream_create");
        return s;
    }

    /** A failed call is a bug here (shapes and types are checked before), not a user error. */
    static void check(int status, String what) {
        if (status != dnnl_success) throw new IllegalStateException("oneDNN " + what + " failed: status " + status);
    }

    /** "oneDNN 2.5.2", the version of the loaded library. */
    public static String version() {
        dnnl_version_t v = dnnl_version();
        return "oneDNN " + v.major() + "." + v.minor() + "." + v.patch();
    }

    /**
     * The bf16 instruction set oneDNN dispatches to on this CPU - avx512_core_amx or avx512_core_bf16 - or null when
     * its kernels would only emulate bf16 (no such instructions, or ONEDNN_MAX_CPU_ISA below them).
     */
    public static String bf16Isa() {
        int isa = dnnl_get_effective_cpu_isa();
        if ((isa & dnnl_cpu_isa_avx512_core_amx) == dnnl_cpu_isa_avx512_core_amx) return "avx512_core_amx";
        if ((isa & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16) return "avx512_core_bf16";
        return null;
    }

    static dnnl_memory_desc_t md(long[] dims, int dataType, int tag) {
        dnnl_memory_desc_t m = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(m, dims.length, dims, dataType, tag), "memory_desc_init_by_tag");
        return m;
    }

    /** The descriptor of a plain NCHW float32 array of this shape. */
    public static dnnl_memory_desc_t nchw(long[] shape) {
        return md(shape, dnnl_f32, dnnl_nchw);
    }

    static boolean same(dnnl_memory_desc_t a, dnnl_memory_desc_t b) {
        return dnnl_memory_desc_equal(a, b) == 1;
    }

    /** A memory whose buffer oneDNN allocates and owns (freed by {@link #destroy}). */
    static dnnl_memory allocated(dnnl_memory_desc_t d) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, d, engine(), ALLOCATE), "memory_create");
        return m;
    }

    /** A memory with no buffer yet: {@link #point} gives it an ND4J array's before each use. */
    static dnnl_memory user(dnnl_memory_desc_t d) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, d, engine(), null), "memory_create");
        return m;
    }

    /**
     * Points {@code m} at {@code a}'s data, no copy: {@code a} must be plain row-major ({@link #plain}) and stay
     * alive, unmoved, until the primitive that reads or writes it has run. An array's data pointer already includes
     * a view's offset.
     */
    static void point(dnnl_memory m, INDArray a) {
        if (!plain(a)) throw new IllegalStateException("not a plain row-major array: " + a.shapeInfoToString());
        check(dnnl_memory_set_data_handle(m, a.data().addressPointer()), "memory_set_data_handle");
    }

    /**
     * Whether {@code a} is dense row-major float data: its strides, not its ordering flag, decide (strides of size-1
     * dimensions do not matter).
     */
    public static boolean plain(INDArray a) {
        if (a.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT) return false;
        long expected = 1;
        long[] shape = a.shape(), stride = a.stride();
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    static dnnl_memory_desc_t query(dnnl_primitive_desc pd, int what) {
        return dnnl_primitive_desc_query_md(pd, what, 0);
    }

    static dnnl_primitive_desc primitiveDesc(Pointer opDesc, dnnl_primitive_desc hint, String what) {
        return primitiveDesc(opDesc, null, hint, what);
    }

    /** With attributes ({@code attr}, e.g. post-ops); null for none. */
    static dnnl_primitive_desc primitiveDesc(Pointer opDesc, dnnl_primitive_attr attr, dnnl_primitive_desc hint,
                                             String what) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(opDesc), attr, engine(), hint), what);
        return pd;
    }

    /** Attributes that multiply a primitive's output by {@code factor} (an eltwise "linear" post-op). */
    static dnnl_primitive_attr scaledOutput(float factor) {
        dnnl_post_ops ops = new dnnl_post_ops();
        check(dnnl_post_ops_create(ops), "post_ops_create");
        check(dnnl_post_ops_append_eltwise(ops, 1f, dnnl_eltwise_linear, factor, 0f), "post_ops_append_eltwise");
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        check(dnnl_primitive_attr_create(attr), "primitive_attr_create");
        check(dnnl_primitive_attr_set_post_ops(attr, ops), "primitive_attr_set_post_ops");
        dnnl_post_ops_destroy(ops);   // the attributes keep a copy
        return attr;
    }

    static String implementation(dnnl_primitive_desc pd) {
        PointerPointer<?> out = new PointerPointer<>(1);
        check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, out), "query impl_info_str");
        return new BytePointer(out.get(0)).getString();
    }

    static void destroy(dnnl_memory m) {
        dnnl_memory_destroy(m);
    }

    static void destroy(dnnl_stream s) {
        dnnl_stream_destroy(s);
    }

    /** A primitive and its arguments, bound once; {@link #run} executes it on the caller's stream. */
    static final class Exec {
        private final dnnl_primitive primitive = new dnnl_primitive();
        private final dnnl_primitive_desc desc;
        /** Allocated by JavaCPP: must live as long as the primitive runs. */
        private final dnnl_exec_arg_t args;
        private final int count;
        final String implementation;

        /** {@code argsAndMemories}: DNNL_ARG_* constants, each followed by its memory. */
        Exec(dnnl_primitive_desc desc, Object... argsAndMemories) {
            this.desc = desc;
            check(dnnl_primitive_create(primitive, desc), "primitive_create");
            count = argsAndMemories.length / 2;
            args = new dnnl_exec_arg_t(count);
            for (int i = 0; i < count; i++) {
                args.getPointer(i).arg((Integer) argsAndMemories[2 * i]).memory((dnnl_memory) argsAndMemories[2 * i + 1]);
            }
            implementation = implementation(desc);
        }

        void run(dnnl_stream stream) {
            check(dnnl_primitive_execute(primitive, stream, count, args), "execute " + implementation);
            check(dnnl_stream_wait(stream), "stream_wait");
        }

        void destroy() {
            dnnl_primitive_destroy(primitive);
            dnnl_primitive_desc_destroy(desc);
        }
    }

    /** {@code a += b} in place, {@code b} broadcast over the dimensions where it has size 1. */
    static Exec add(dnnl_memory a, dnnl_memory_desc_t aMd, dnnl_memory b, dnnl_memory_desc_t bMd) {
        dnnl_binary_desc_t d = new dnnl_binary_desc_t();
        check(dnnl_binary_desc_init(d, dnnl_binary_add, aMd, bMd, aMd), "binary add");
        return new Exec(primitiveDesc(d, null, "binary add"), DNNL_ARG_SRC_0, a, DNNL_ARG_SRC_1, b, DNNL_ARG_DST, a);
    }

    static Exec reorder(dnnl_memory from, dnnl_memory_desc_t fromMd, dnnl_memory to, dnnl_memory_desc_t toMd) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_reorder_primitive_desc_create(pd, fromMd, engine(), toMd, engine(), null), "reorder");
        return new Exec(pd, DNNL_ARG_FROM, from, DNNL_ARG_TO, to);
    }
}
