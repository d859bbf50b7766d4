package io.swarmnet.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * Kernel parameters under {@code /proc/sys}, like {@code sysctl(8)}.
 *
 * <p>The {@code net.*} keys belong to the network namespace of the thread that opens the
 * file, so inside {@link Netns#call} they read and write that namespace's values, e.g. a
 * task's {@code net.ipv4.ip_forward}; everywhere else they touch the agent's own namespace.
 */
public final class Sysctl {
    private static final Path ROOT = Paths.get("/proc/sys");

    private Sysctl() {
    }

    /**
     * Reads {@code key}, without the trailing newline.
     *
     * @param key dotted as {@code net.ipv4.ip_forward}, or with slashes as
     *            {@code net/ipv4/conf/eth0.10/forwarding} when a part contains a dot
     * @throws java.nio.file.NoSuchFileException if there is no such key
     */
    public static String read(String key) throws IOException {
        String value = Files.readString(path(key), StandardCharsets.US_ASCII);
        return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
    }

    /**
     * Writes {@code value} to {@code key} (named as for {@link #read}).
     *
     * @throws java.nio.file.NoSuchFileException if there is no such key
     * @throws IOException with the kernel's reason if it refuses the value, e.g. EINVAL
     */
    public static void write(String key, String value) throws IOException {
        // Open without create or truncate flags: /proc/sys files take one write of the value.
        Files.write(path(key), value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
    }

    static Path path(String key) {
        String separator = key.indexOf('/') >= 0 ? "/" : "\\.";
        Path path = ROOT;
        for (String part : key.split(separator, -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("invalid sysctl key '" + key + "'");
            }
            path = path.resolve(part);
        }
        return path;
    }
}
