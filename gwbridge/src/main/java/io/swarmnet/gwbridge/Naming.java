package io.swarmnet.gwbridge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Names and hardware addresses derived from a task: the same task always gets the same
 * host port name, and the same address always the same MAC, so a restarted agent finds
 * what it made without having to remember it.
 */
final class Naming {
    /** Host port names: this prefix and 10 hex digits, 12 bytes of the kernel's 15. */
    static final String PORT_PREFIX = "gw";
    static final int PORT_HASH_DIGITS = 10;
    /** Docker's task ids are 25 characters and container ids 64; this leaves room for both. */
    static final int MAX_TASK_ID_LENGTH = 128;
    /** Locally administered unicast, Docker's own prefix for addresses derived from an IPv4. */
    static final long MAC_PREFIX = 0x0242_0000_0000L;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Naming() {
    }

    /**
     * Checks {@code taskId} is 1 to 128 characters of letters, digits, {@code '_'},
     * {@code '.'} and {@code '-'}, and returns it.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static String checkTaskId(String taskId) {
        if (taskId == null || taskId.isEmpty()) {
            throw new IllegalArgumentException("task id is empty");
        }
        if (taskId.length() > MAX_TASK_ID_LENGTH) {
            throw new IllegalArgumentException("task id of " + taskId.length() + " characters is longer than "
                    + MAX_TASK_ID_LENGTH);
        }
        for (int i = 0; i < taskId.length(); i++) {
            char c = taskId.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("task id '" + printable(taskId)
                        + "' may hold only letters, digits, '_', '.' and '-'");
            }
        }
        return taskId;
    }

    /**
     * The host end of a task's veth: {@code "gw"} and the first 10 hex digits of the SHA-256
     * of the task id. A hash rather than a prefix of the id, because ids of any form must
     * fit and two ids may share their first characters; 40 bits make a clash on one node
     * practically impossible, and {@link GwBridge#attach} refuses one if it happens.
     */
    static String port(String taskId) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(checkTaskId(taskId).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        char[] name = new char[PORT_PREFIX.length() + PORT_HASH_DIGITS];
        PORT_PREFIX.getChars(0, PORT_PREFIX.length(), name, 0);
        for (int i = 0; i < PORT_HASH_DIGITS; i++) {
            int b = digest[i / 2];
            name[PORT_PREFIX.length() + i] = HEX[(i % 2 == 0 ? b >> 4 : b) & 0xf];
        }
        return new String(name);
    }

    /** True if {@code ifname} has the form of a host port name, whoever made it. */
    static boolean isPort(String ifname) {
        if (ifname.length() != PORT_PREFIX.length() + PORT_HASH_DIGITS || !ifname.startsWith(PORT_PREFIX)) {
            return false;
        }
        for (int i = PORT_PREFIX.length(); i < ifname.length(); i++) {
            char c = ifname.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The MAC of the link holding IPv4 {@code address}: 02:42 and the address's four bytes,
     * as Docker derives it. The bridge keeps its own fixed (otherwise it takes the lowest
     * MAC among its ports and changes it as tasks come and go, which strands the tasks'
     * ARP entries for the gateway); a task's eth1 is recognised by it.
     */
    static long mac(int address) {
        return MAC_PREFIX | (address & 0xffffffffL);
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(40).forEach(c -> {
            if (c < ' ' || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return text.length() > 40 ? out.append("...").toString() : out.toString();
    }
}
