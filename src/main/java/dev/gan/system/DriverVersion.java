package dev.gan.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The loaded NVIDIA kernel driver's version, from {@code /proc/driver/nvidia/version} (Linux). */
final class DriverVersion {
    private static final Path FILE = Path.of("/proc/driver/nvidia/version");
    private static final Pattern VERSION = Pattern.compile("Kernel Module\\s+(?:for \\S+\\s+)?(\\d+\\.\\d+(?:\\.\\d+)?)");

    private DriverVersion() {
    }

    /** "535.104.05", or null when no NVIDIA driver is loaded. */
    static String read() {
        try {
            return parse(Files.readString(FILE));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String parse(String text) {
        Matcher m = VERSION.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
