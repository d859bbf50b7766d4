package io.swarmnet.control.model;

/**
 * Text forms of the addresses in the cluster records and their primitive forms for the
 * data plane: an IPv4 address is an {@code int} (network byte order, most significant
 * byte first), a MAC address the low 48 bits of a {@code long}.
 *
 * <p>Parsing never resolves names: only literals are accepted.
 */
public final class Addresses {
    private static final int MAX_IPV4_TEXT = 15;

    private Addresses() {
    }

    /**
     * Parses a dotted-quad IPv4 literal such as {@code 10.0.9.2}.
     *
     * @throws IllegalArgumentException when it is not exactly four decimal bytes
     */
    public static int parseIpv4(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_IPV4_TEXT) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        int address = 0;
        int octets = 0;
        int value = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || ++octets > 4) {
                    throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
                }
                address = (address << 8) | value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                // A leading zero would read as octal to some tools; refuse the ambiguity.
                if (value == 0) {
                    throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (leading zero)");
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
                }
            } else {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
        }
        if (octets != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        return address;
    }

    public static String formatIpv4(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    /**
     * Parses an IPv4 CIDR such as {@code 10.0.9.0/24}; host bits must be zero.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static Ipv4Subnet parseSubnet(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 subnet (address/prefix)");
        }
        int address = parseIpv4(text.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 subnet: bad prefix length", e);
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 subnet: prefix length must be 0-32");
        }
        Ipv4Subnet subnet = new Ipv4Subnet(address & Ipv4Subnet.mask(prefix), prefix);
        if (subnet.address() != address) {
            throw new IllegalArgumentException("'" + text + "' has host bits set; the subnet is " + subnet);
        }
        return subnet;
    }

    /**
     * Parses a MAC address in colon form, {@code 02:42:0a:00:09:02}.
     *
     * @throws IllegalArgumentException when it is not six hex bytes separated by colons
     */
    public static long parseMac(String text) {
        if (text == null || text.length() != 17) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address (xx:xx:xx:xx:xx:xx)");
        }
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            int at = i * 3;
            if (i > 0 && text.charAt(at - 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address (xx:xx:xx:xx:xx:xx)");
            }
            int hi = Character.digit(text.charAt(at), 16);
            int lo = Character.digit(text.charAt(at + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address (xx:xx:xx:xx:xx:xx)");
            }
            mac = (mac << 8) | (hi << 4) | lo;
        }
        return mac;
    }

    public static String formatMac(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int b = (int) (mac >>> shift) & 0xff;
            if (shift != 40) {
                sb.append(':');
            }
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** The MAC Docker derives for an overlay address: {@code 02:42:} and the address's four bytes. */
    public static long macFor(int ipv4) {
        return 0x0242_0000_0000L | (ipv4 & 0xffff_ffffL);
    }
}
