package dev.gan.data;

import dev.gan.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IdxReaderTest {
    @TempDir
    Path tmp;

    private static byte[] sample() {
        byte[] data = new byte[2 * 3 * 3];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 13);
        return IdxReader.encode(new int[]{2, 3, 3}, data);
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsPlainAndGzippedAlike() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(sample());
        }
        IdxReader.IdxArray plain = IdxReader.read(write("a.idx", sample()));
        IdxReader.IdxArray zipped = IdxReader.read(write("a.idx.gz", gz.toByteArray()));
        assertArrayEquals(new int[]{2, 3, 3}, plain.dims());
        assertArrayEquals(plain.data(), zipped.data());
        assertEquals((byte) 26, plain.data()[2]);
    }

    @Test
    void bundledFashionMnistTestSplit() {
        IdxReader.IdxArray images = IdxReader.read(Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz"));
        IdxReader.IdxArray labels = IdxReader.read(Path.of("data/fashion-mnist/t10k-labels-idx1-ubyte.gz"));
        assertArrayEquals(new int[]{10_000, 28, 28}, images.dims());
        assertArrayEquals(new int[]{10_000}, labels.dims());
    }

    @Test
    void truncatedData() throws Exception {
        byte[] bytes = sample();
        Path p = write("t.idx", Arrays.copyOf(bytes, bytes.length - 5));
        assertEquals(p + ": truncated: the header promises 18 bytes of data, the file has 13; download it again",
                assertThrows(UserException.class, () -> IdxReader.read(p)).getMessage());
    }

    @Test
    void truncatedHeader() throws Exception {
        Path p = write("h.idx", Arrays.copyOf(sample(), 6));
        assertEquals(p + ": truncated: the file ends inside the IDX header; download it again",
                assertThrows(UserException.class, () -> IdxReader.read(p)).getMessage());
    }

    @Test
    void wrongMagic() throws Exception {
        Path p = write("m.png", new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0});
        assertEquals(p + ": not an IDX file (magic 0x89504e47; IDX files start with two zero bytes, the element type "
                        + "and the number of dimensions, e.g. 0x00000803 for images)",
                assertThrows(UserException.class, () -> IdxReader.read(p)).getMessage());
    }

    @Test
    void unsupportedElementType() throws Exception {
        Path p = write("f.idx", new byte[]{0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0});
        assertEquals(p + ": IDX element type 0x0d is not supported; only unsigned bytes (0x08), as in MNIST and Fashion-MNIST",
                assertThrows(UserException.class, () -> IdxReader.read(p)).getMessage());
    }

    @Test
    void trailingBytes() throws Exception {
        byte[] bytes = Arrays.copyOf(sample(), sample().length + 1);
        Path p = write("x.idx", bytes);
        assertEquals(p + ": has more data than its header promises (18 bytes); it is not a valid IDX file",
                assertThrows(UserException.class, () -> IdxReader.read(p)).getMessage());
    }

    @Test
    void missingFile() {
        Path p = tmp.resolve("none.gz");
        assertEquals(p + ": no such file; check data.images / data.labels in the config",
                assertThrows(UserException.class, () -> IdxReader.read(p)).getMessage());
    }
}
