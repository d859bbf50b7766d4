package io.swarmnet.sys;

import java.nio.charset.StandardCharsets;

/** Interface names as {@code net/if.h} and the kernel's {@code dev_valid_name()} accept them. */
final class IfName {
    /** Bytes of a name including its terminating NUL. */
    static final int IFNAMSIZ = 16;

    private IfName() {
    }

    /** Returns the name's bytes (without NUL), or throws naming what is wrong with it. */
    static byte[] check(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("interface name is empty");
        }
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name '" + name + "' is " + bytes.length
                    + " bytes, the kernel allows at most " + (IFNAMSIZ - 1));
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("interface name '" + name + "' is reserved");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c == 0) {
                throw new IllegalArgumentException("interface name '" + name
                        + "' contains '/', ':', NUL or white space");
            }
        }
        return bytes;
    }
}
