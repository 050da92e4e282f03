package dev.gan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the digest gan names files and datasets by (checkpoints, classifiers, packed data, the data cache): one
 * place that turns the JDK's checked "no such algorithm" (every JDK has SHA-256) into a bug, not a user error.
 */
public final class Sha256 {
    private Sha256() {
    }

    /** A fresh digest to feed. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lower-case hex of what {@code md} has been fed. */
    public static String hex(MessageDigest md) {
        return HexFormat.of().formatHex(md.digest());
    }

    /** Lower-case hex of a whole file's digest. */
    public static String of(Path file) {
        try {
            return HexFormat.of().formatHex(digest().digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
