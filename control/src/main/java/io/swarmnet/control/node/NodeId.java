package io.swarmnet.control.node;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Node ids: 128 random bits in lowercase base 36, zero-padded to 25 characters, like
 * swarmkit's; kept in {@code <data-root>/node-id} so a node keeps its id across restarts.
 */
public final class NodeId {
    public static final int LENGTH = 25;
    public static final String FILE_NAME = "node-id";

    private static final Pattern VALID = Pattern.compile("[0-9a-z]{" + LENGTH + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeId() {
    }

    public static String generate() {
        String digits = new BigInteger(128, RANDOM).toString(36);
        return "0".repeat(LENGTH - digits.length()) + digits;
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /**
     * Reads the node id kept under {@code dataRoot}, or creates the directory and a new id
     * when there is none.
     *
     * @throws IOException saying which path failed and why, also when the file holds
     *                     something other than a node id
     */
    public static String loadOrCreate(Path dataRoot) throws IOException {
        Path file = dataRoot.resolve(FILE_NAME);
        try {
            String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!isValid(id)) {
                throw new IOException(file + " does not hold a node id (25 characters 0-9a-z); "
                        + "fix it, or remove it to join as a new node");
            }
            return id;
        } catch (NoSuchFileException e) {
            return create(dataRoot, file);
        }
    }

    private static String create(Path dataRoot, Path file) throws IOException {
        if (!Files.isDirectory(dataRoot)) {
            Files.createDirectories(dataRoot, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        String id = generate();
        // Write then rename, so a crash never leaves a half-written id that the next start rejects.
        Path tmp = Files.createTempFile(dataRoot, FILE_NAME, ".tmp");
        try {
            Files.writeString(tmp, id + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return id;
    }
}
