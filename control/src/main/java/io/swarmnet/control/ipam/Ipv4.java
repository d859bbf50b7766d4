package io.swarmnet.control.ipam;

/**
 * IPv4 addresses as {@code int}s (network byte order, so {@code 10.0.9.5} is
 * {@code 0x0a000905}), parsed strictly from and printed as dotted quads, and the MAC
 * address Docker derives from one.
 */
public final class Ipv4 {

    private Ipv4() {
    }

    /**
     * Parses a dotted quad such as {@code 10.0.9.5}: four decimal octets 0-255, no
     * leading zeros (which some parsers read as octal), no name lookups.
     *
     * @throws IllegalArgumentException saying why the text is not an IPv4 address
     */
    public static int parse(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        int address = 0;
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || (octet.length() > 1 && octet.charAt(0) == '0')
                    || !octet.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            int value = Integer.parseInt(octet);
            if (value > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: " + value + " is not an octet");
            }
            address = address << 8 | value;
        }
        return address;
    }

    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    /** {@code 02:42:} followed by the four bytes of the address, as Docker gives a container's MAC. */
    public static String mac(int address) {
        return String.format("02:42:%02x:%02x:%02x:%02x",
                address >>> 24, address >>> 16 & 0xff, address >>> 8 & 0xff, address & 0xff);
    }
}
