package dev.gan.data;

import dev.gan.MemoryUse;
import dev.gan.UserException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST, Fashion-MNIST, EMNIST and KMNIST: a 4-byte magic (two zero bytes, the
 * element type, the number of dimensions), one big-endian int per dimension, then the elements. Gzip is detected
 * from the content, not the name. Only unsigned bytes (type 0x08) are supported: every public dataset of this
 * family uses them. The header, dimensions and data length are all checked, so a truncated download or a wrong
 * file fails here with its path rather than as a shape error deep in training.
 */
public final class IdxReader {
    private static final int UBYTE = 0x08;

    private IdxReader() {
    }

    /** An IDX array: its dimensions and its elements in row-major order. */
    public record IdxArray(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    public static IdxArray read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)) : raw;
            return parse(new DataInputStream(in), file);
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": no such file; check data.images / data.labels in the config");
        } catch (EOFException e) {
            throw new UserException(file + ": truncated: the file ends inside the IDX header; download it again");
        } catch (ZipException e) {
            throw new UserException(file + ": corrupt gzip data (" + e.getMessage() + "); download it again");
        } catch (IOException e) {
            throw new UserException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static IdxArray parse(DataInputStream in, Path file) throws IOException {
        int magic = in.readInt();
        int type = (magic >>> 8) & 0xff;
        int ndims = magic & 0xff;
        if ((magic >>> 16) != 0 || ndims < 1 || ndims > 4) {
            throw new UserException(String.format("%s: not an IDX file (magic 0x%08x; IDX files start with two zero "
                    + "bytes, the element type and the number of dimensions, e.g. 0x00000803 for images)", file, magic));
        }
        if (type != UBYTE) {
            throw new UserException(String.format("%s: IDX element type 0x%02x is not supported; only unsigned bytes "
                    + "(0x08), as in MNIST and Fashion-MNIST", file, type));
        }
        int[] dims = new int[ndims];
        long total = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = in.readInt();
            if (dims[i] <= 0) {
                throw new UserException(file + ": IDX dimension " + i + " is " + dims[i] + "; dimensions must be > 0");
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new UserException(file + ": IDX data of " + total + " bytes is too large to load");
        }
        MemoryUse.dataset("IDX array " + Arrays.toString(dims) + " (" + DataPack.bytes(total) + ") from " + file
                + ", read onto the Java heap");
        byte[] data = new byte[(int) total];
        int read = in.readNBytes(data, 0, data.length);
        if (read < data.length) {
            throw new UserException(file + ": truncated: the header promises " + total + " bytes of data, the file has "
                    + read + "; download it again");
        }
        if (in.read() >= 0) {
            throw new UserException(file + ": has more data than its header promises (" + total
                    + " bytes); it is not a valid IDX file");
        }
        return new IdxArray(dims, data);
    }

    /** The bytes of an uncompressed IDX file of unsigned bytes (dataset export, test fixtures). */
    public static byte[] encode(int[] dims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 4 + 4 * dims.length);
        out.write(0);
        out.write(0);
        out.write(UBYTE);
        out.write(dims.length);
        for (int d : dims) {
            out.write(d >>> 24);
            out.write(d >>> 16);
            out.write(d >>> 8);
            out.write(d);
        }
        out.write(data, 0, data.length);
        return out.toByteArray();
    }
}
