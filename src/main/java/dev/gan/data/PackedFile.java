package dev.gan.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.gan.MemoryUse;
import dev.gan.Sha256;
import dev.gan.UserException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Reads packed files, the dataset format of {@code gan data pack} (docs/data.md): the 8 bytes {@code GAN-PACK}, the
 * header's length as a little-endian uint64, a JSON header ({@link PackedHeader}) padded with spaces to a multiple of
 * 4096 bytes, then the uint8 pixels image after image in NCHW order, then (when labelled) one int32 little-endian
 * label per image. The pixels are memory-mapped, never copied to the heap. Every defect of the file - a foreign
 * file, a damaged header, a truncated body - is one line naming the file and what to do.
 */
public final class PackedFile {
    public static final String FORMAT = "gan-packed";
    public static final int VERSION = 1;
    static final byte[] MAGIC = "GAN-PACK".getBytes(StandardCharsets.US_ASCII);
    /** Magic and header length. */
    static final int PREAMBLE = 16;
    static final int ALIGN = 4096;
    /** A header longer than this is a damaged length field, not a real header. */
    static final long MAX_HEADER = 64L << 20;
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String REPACK = "pack it again with gan data pack";

    private PackedFile() {
    }

    /** True for a file that starts with the packed magic. */
    public static boolean isPacked(Path file) {
        if (!Files.isRegularFile(file)) return false;
        try (InputStream in = Files.newInputStream(file)) {
            return java.util.Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /** The header of a packed file, checked against the file's length. */
    public static PackedHeader header(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = ch.size();
            ByteBuffer pre = ByteBuffer.allocate(PREAMBLE).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, 0);
            pre.flip();
            byte[] magic = new byte[Math.min(MAGIC.length, pre.limit())];
            pre.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new UserException(file + ": not a packed dataset (it does not start with GAN-PACK); make one with "
                        + "gan data pack SRC --out FILE.packed, or set data.format to what the file is");
            }
            if (pre.limit() < PREAMBLE) {
                throw new UserException(file + ": truncated: the file ends inside the packed header; " + REPACK);
            }
            long headerLength = pre.getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || PREAMBLE + headerLength > length) {
                throw new UserException(file + ": corrupt packed dataset: header length " + headerLength + " does not "
                        + "fit the file (" + length + " bytes); " + REPACK);
            }
            ByteBuffer json = ByteBuffer.allocate((int) headerLength);
            readFully(ch, json, PREAMBLE);
            PackedHeader h = parse(file, new String(json.array(), StandardCharsets.UTF_8));
            check(file, h, headerLength, length);
            return h;
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": no such file; check data.path in the config");
        } catch (IOException e) {
            throw new UserException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static PackedHeader parse(Path file, String json) {
        try {
            return JSON.readValue(json, PackedHeader.class);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage().replace('\n', ' ');
            throw new UserException(file + ": corrupt packed dataset: the header is not valid JSON (" + why + "); "
                    + REPACK);
        }
    }

    private static void check(Path file, PackedHeader h, long headerLength, long length) {
        String bad = null;
        if (!FORMAT.equals(h.format())) bad = "format is " + h.format() + ", not " + FORMAT;
        else if (h.version() > VERSION) {
            throw new UserException(file + ": packed format version " + h.version() + " is newer than this gan reads ("
                    + VERSION + "); update gan, or " + REPACK);
        } else if (h.version() < 1) bad = "version is " + h.version();
        else if (h.count() < 1) bad = "count is " + h.count();
        else if (h.channels() != 1 && h.channels() != 3) bad = "channels is " + h.channels() + ", not 1 or 3";
        else if (h.height() < 1 || h.width() != h.height()) bad = "image size is " + h.height() + "x" + h.width();
        else if (!"NCHW".equals(h.layout())) bad = "layout is " + h.layout() + ", not NCHW";
        else if (!"uint8".equals(h.dtype())) bad = "dtype is " + h.dtype() + ", not uint8";
        else if (h.pixelsOffset() != PREAMBLE + headerLength) bad = "pixels_offset is " + h.pixelsOffset()
                + ", not " + (PREAMBLE + headerLength);
        else if (h.pixelsBytes() != h.count() * h.imageBytes()) bad = "pixels_bytes is " + h.pixelsBytes() + ", not "
                + h.count() + " x " + h.imageBytes();
        else if (h.labelled() && (h.labelsOffset() != h.pixelsOffset() + h.pixelsBytes()
                || !"int32le".equals(h.labelsDtype()))) {
            bad = "labels_offset/labels_dtype are " + h.labelsOffset() + "/" + h.labelsDtype();
        } else if (h.labelled() && h.classNames().isEmpty()) bad = "labelled but class_names is empty";
        else if (h.count() > Integer.MAX_VALUE) bad = "count " + h.count() + " is over 2^31";
        if (bad != null) throw new UserException(file + ": corrupt packed dataset: " + bad + "; " + REPACK);
        if (length < h.fileBytes()) {
            throw new UserException(file + ": truncated: the header promises " + h.count() + " images ("
                    + h.fileBytes() + " bytes) but the file has " + length + " bytes; " + REPACK);
        }
        if (length > h.fileBytes()) {
            throw new UserException(file + ": has " + (length - h.fileBytes()) + " bytes after the " + h.count()
                    + " images its header promises; it is not a valid packed dataset: " + REPACK);
        }
    }

    /**
     * The first {@code limit} images (0 = all) of a packed file, pixels memory-mapped, labels on the heap, checked to
     * have the size and channels the config asks for.
     */
    public static ImageSet open(Path file, int size, int channels, int limit) {
        PackedHeader h = header(file);
        if (h.height() != size || h.channels() != channels) {
            throw new UserException(file + ": holds " + h.shape() + " images but data.image_size is " + size
                    + " and data.channels is " + channels + "; set data.image_size: " + h.height()
                    + " and data.channels: " + h.channels() + ", or pack it again with --size " + size
                    + " --channels " + channels);
        }
        int count = (int) (limit > 0 ? Math.min(limit, h.count()) : h.count());
        MemoryUse.dataset(String.format(java.util.Locale.ROOT, "%d images %s (%s) from %s, memory-mapped (off the "
                + "heap)", count, h.shape(), DataPack.bytes((long) count * h.imageBytes()), file));
        try {
            PixelStore px = new MappedPixels(file, h.pixelsOffset(), (long) count * h.imageBytes(), h.imageBytes());
            int[] labels = h.labelled() ? labels(file, h, count) : null;
            return new ImageSet(px, count, h.channels(), h.height(), labels, h.labelled() ? h.classNames() : List.of(),
                    h.source() == null ? file.toString() : h.source(), List.of());
        } catch (IOException e) {
            throw new UserException(file + ": cannot map (" + e.getMessage() + ")");
        }
    }

    private static int[] labels(Path file, PackedHeader h, int count) throws IOException {
        int[] out = new int[count];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            long pos = h.labelsOffset();
            int n = 0;
            while (n < count) {
                buf.clear().limit(Math.min(buf.capacity(), 4 * (count - n)));
                pos += readFully(ch, buf, pos);
                buf.flip();
                while (buf.remaining() >= 4) {
                    int l = buf.getInt();
                    if (l < 0 || l >= h.classNames().size()) {
                        throw new UserException(file + ": corrupt packed dataset: image " + n + " has label " + l
                                + " but there are " + h.classNames().size() + " class names; " + REPACK);
                    }
                    out[n++] = l;
                }
            }
        }
        return out;
    }

    /** SHA-256 of everything after the header, as the header records it; {@code progress} hears bytes done. */
    public static String digest(Path file, PackedHeader h, LongConsumer progress) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest md = Sha256.digest();
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = h.pixelsOffset(), end = h.fileBytes();
            while (pos < end) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n < 0) break;
                md.update(buf.array(), 0, n);
                pos += n;
                if (progress != null) progress.accept(pos - h.pixelsOffset());
            }
            return Sha256.hex(md);
        } catch (IOException e) {
            throw new UserException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** Fills {@code buf} from {@code pos} (less only at the end of the file); returns bytes read. */
    private static int readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + total);
            if (n < 0) break;
            total += n;
        }
        return total;
    }
}
