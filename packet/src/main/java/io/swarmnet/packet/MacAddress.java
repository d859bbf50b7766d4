package io.swarmnet.packet;

/**
 * Helpers for 48-bit MAC addresses held in the low bits of a {@code long}, the form the
 * views read and write. The string conversions allocate and are not for the packet path.
 */
public final class MacAddress {

    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    /** Docker's prefix for MACs derived from an IPv4 address: 02:42 (locally administered, unicast). */
    private static final long DOCKER_PREFIX = 0x0242_0000_0000L;
    private static final int TEXT_LENGTH = 17;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MacAddress() {
    }

    /**
     * Returns the MAC Docker gives an endpoint with IPv4 address {@code ip}: 02:42 followed
     * by the four address bytes (libnetwork's {@code netutils.GenerateMACFromIP}).
     */
    public static long fromIpv4(int ip) {
        return DOCKER_PREFIX | (ip & 0xFFFF_FFFFL);
    }

    /** Returns whether {@code mac} is a group address (I/G bit set), broadcast included. */
    public static boolean isMulticast(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    /**
     * Parses six colon-separated pairs of hex digits, either case ("02:42:0a:00:00:05").
     *
     * @throws IllegalArgumentException if {@code text} is not in that form
     */
    public static long parse(CharSequence text) {
        if (text.length() != TEXT_LENGTH) {
            throw invalid(text);
        }
        long mac = 0;
        for (int i = 0; i < TEXT_LENGTH; i += 3) {
            int high = Character.digit(text.charAt(i), 16);
            int low = Character.digit(text.charAt(i + 1), 16);
            if (high < 0 || low < 0 || (i + 2 < TEXT_LENGTH && text.charAt(i + 2) != ':')) {
                throw invalid(text);
            }
            mac = mac << 8 | high << 4 | low;
        }
        return mac;
    }

    /** Formats the low 48 bits of {@code mac} as "02:42:0a:00:00:05". */
    public static String toString(long mac) {
        char[] text = new char[TEXT_LENGTH];
        for (int i = 0, shift = 40; shift >= 0; i += 3, shift -= 8) {
            int octet = (int) (mac >>> shift) & 0xFF;
            text[i] = HEX[octet >>> 4];
            text[i + 1] = HEX[octet & 0x0F];
            if (i + 2 < TEXT_LENGTH) {
                text[i + 2] = ':';
            }
        }
        return new String(text);
    }

    private static IllegalArgumentException invalid(CharSequence text) {
        return new IllegalArgumentException("'" + text + "' is not a MAC address (want 02:42:0a:00:00:05)");
    }
}
