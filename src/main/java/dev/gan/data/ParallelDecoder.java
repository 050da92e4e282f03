package dev.gan.data;

import dev.gan.UserException;

import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Decodes image files on all cores and hands them on in their listed order, so the result is the same whatever the
 * number of threads. Files go out in blocks; only a few blocks per thread are in flight, so memory holds a few
 * hundred decoded images at a time whatever the dataset size. Each image is centre-cropped, resized and converted
 * by {@link ImageOps#toChw}.
 */
public final class ParallelDecoder {
    /** Files per task: large enough to amortise the hand-over, small enough to keep the cores evenly busy. */
    static final int BLOCK = 32;
    /** Blocks in flight per thread. */
    static final int AHEAD = 4;

    private ParallelDecoder() {
    }

    /** Receives the decoded images in order. */
    @FunctionalInterface
    public interface Sink {
        /** Image number {@code n} (0-based, counting only the readable ones): C x H x W bytes, and its class. */
        void accept(int n, byte[] chw, int label) throws IOException;
    }

    /**
     * What was decoded.
     *
     * @param count   images handed to the sink
     * @param skipped files left out as unreadable (only with skip)
     * @param perClass readable images of each class
     */
    public record Result(int count, List<String> skipped, int[] perClass) {
    }

    /** One file's outcome: its pixels, or why it could not be read. */
    private record Decoded(byte[] chw, String problem) {
    }

    /**
     * Decodes {@code files} in order until {@code want} images are readable, into {@code size} x {@code size} images of
     * {@code channels}. An unreadable file stops with its name, unless {@code skip}; {@code progress} (may be null)
     * hears the number of files done.
     */
    public static Result decode(List<ImageFiles.Entry> files, int want, int size, int channels, int numClasses,
                                boolean skip, Sink sink, LongConsumer progress) throws IOException {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "gan-decode");
            t.setDaemon(true);
            return t;
        });
        List<String> skipped = new ArrayList<>();
        int[] perClass = new int[Math.max(1, numClasses)];
        int n = 0;
        try {
            Deque<Future<Decoded[]>> inFlight = new ArrayDeque<>();
            int next = 0;
            for (int block = 0; n < want; block++) {
                while (inFlight.size() < threads * AHEAD && next < files.size()) {
                    List<ImageFiles.Entry> part = files.subList(next, Math.min(files.size(), next + BLOCK));
                    inFlight.add(pool.submit(() -> decodeAll(part, size, channels)));
                    next += part.size();
                }
                if (inFlight.isEmpty()) break;
                Decoded[] done = join(inFlight.poll());
                for (int i = 0; i < done.length && n < want; i++) {
                    ImageFiles.Entry e = files.get(block * BLOCK + i);
                    if (done[i].chw() == null) {
                        if (!skip) {
                            throw new UserException(e.name() + ": not a readable image (" + done[i].problem()
                                    + "); fix or remove the file, or set data.skip_bad_files: true to skip such files");
                        }
                        skipped.add(e.name());
                        continue;
                    }
                    sink.accept(n++, done[i].chw(), e.label());
                    perClass[e.label()]++;
                }
                if (progress != null) progress.accept(Math.min(files.size(), (long) (block + 1) * BLOCK));
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(n, skipped, perClass);
    }

    private static Decoded[] decodeAll(List<ImageFiles.Entry> part, int size, int channels) {
        Decoded[] out = new Decoded[part.size()];
        for (int i = 0; i < out.length; i++) out[i] = decodeOne(part.get(i), size, channels);
        return out;
    }

    private static Decoded decodeOne(ImageFiles.Entry e, int size, int channels) {
        String problem;
        try {
            // from memory: ImageIO.read(InputStream) would spool each file through a temporary file on disk
            BufferedImage img = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(e.bytes().read())));
            if (img != null && img.getWidth() > 0 && img.getHeight() > 0) {
                byte[] chw = new byte[channels * size * size];
                ImageOps.toChw(img, size, channels, chw, 0);
                return new Decoded(chw, null);
            }
            problem = "no " + ImageFiles.KINDS + " decoder recognises its content";
        } catch (IOException | RuntimeException ex) {
            // decoders throw IIOException for damaged files and, for some malformed headers, runtime exceptions;
            // a damaged zip entry throws ZipException
            problem = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage().replace('\n', ' ');
        }
        return new Decoded(null, problem);
    }

    private static <T> T join(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while decoding images", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;   // OutOfMemoryError among them: the CLI explains it
            throw new IllegalStateException(c);
        }
    }
}
