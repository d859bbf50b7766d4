package io.swarmnet.packet;

/**
 * Helpers for IPv4 addresses held in an {@code int} in network order (10.0.0.5 is
 * {@code 0x0A000005}), the form the views read and write, and for prefix arithmetic. The
 * string conversions allocate and are not for the packet path; the prefix methods do not.
 */
public final class Ipv4Address {

    private Ipv4Address() {
    }

    /**
     * Parses a dotted quad of four decimal octets, each 0 to 255 without a leading zero
     * ("10.0.0.5"); leading zeros are refused because inet_aton would read them as octal.
     *
     * @throws IllegalArgumentException if {@code text} is not in that form
     */
    public static int parse(CharSequence text) {
        int address = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (i <= n) {
            int start = i;
            int octet = 0;
            while (i < n && text.charAt(i) != '.') {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || i - start == 3) {
                    throw invalid(text);
                }
                octet = octet * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && text.charAt(start) == '0') || octets == 4) {
                throw invalid(text);
            }
            address = address << 8 | octet;
            octets++;
            i++;
        }
        if (octets != 4) {
            throw invalid(text);
        }
        return address;
    }

    /** Formats {@code address} as a dotted quad. */
    public static String toString(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    /**
     * Returns the netmask of a prefix: 24 gives 255.255.255.0, 0 gives 0.
     *
     * @throws IllegalArgumentException if {@code prefixLength} is not 0 to 32
     */
    public static int mask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0 to 32: " + prefixLength);
        }
        // A shift by 32 is a shift by 0 in Java, hence the special case.
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /**
     * Returns the prefix length of a contiguous netmask: 255.255.255.0 gives 24.
     *
     * @throws IllegalArgumentException if the one bits of {@code mask} are not contiguous from the top
     */
    public static int prefixLength(int mask) {
        int length = Integer.bitCount(mask);
        if (mask(length) != mask) {
            throw new IllegalArgumentException("not a contiguous netmask: " + toString(mask));
        }
        return length;
    }

    /** Returns the network address of {@code address} under a prefix: 10.0.9.7/24 gives 10.0.9.0. */
    public static int network(int address, int prefixLength) {
        return address & mask(prefixLength);
    }

    /** Returns the broadcast address of {@code address} under a prefix: 10.0.9.7/24 gives 10.0.9.255. */
    public static int broadcast(int address, int prefixLength) {
        return address | ~mask(prefixLength);
    }

    /** Returns whether {@code address} lies in the prefix {@code network}/{@code prefixLength}. */
    public static boolean contains(int network, int prefixLength, int address) {
        int mask = mask(prefixLength);
        return (address & mask) == (network & mask);
    }

    private static IllegalArgumentException invalid(CharSequence text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 address (want 10.0.0.5)");
    }
}
