package io.swarmnet.packet;

/**
 * An IPv4 subnet in CIDR form, such as {@code 10.0.9.0/24}: a network address with every
 * host bit zero and a prefix length 0-32.
 *
 * @param network      the network address (host bits zero), as an int
 * @param prefixLength how many leading bits name the network
 */
public record Ipv4Subnet(int network, int prefixLength) {

    public Ipv4Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0-32, not " + prefixLength);
        }
        if ((network & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException(Ipv4Address.toString(network) + "/" + prefixLength + " has host bits set");
        }
    }

    /**
     * Parses {@code a.b.c.d/n}, refusing host bits the way Docker does: {@code 10.0.9.5/24}
     * is an error that names {@code 10.0.9.0/24}.
     *
     * @throws IllegalArgumentException saying what is wrong, fit for one line
     */
    public static Ipv4Subnet parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid subnet " + text + ": expected CIDR notation such as 10.0.9.0/24");
        }
        int address;
        int length;
        try {
            address = Ipv4Address.parse(text.substring(0, slash));
            String digits = text.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 2 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("bad prefix length");
            }
            length = Integer.parseInt(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid subnet " + text + ": expected CIDR notation such as 10.0.9.0/24");
        }
        if (length > 32) {
            throw new IllegalArgumentException("invalid subnet " + text + ": the prefix length must be 0-32");
        }
        int network = address & mask(length);
        if (network != address) {
            throw new IllegalArgumentException("invalid subnet " + text + ": it should be " + Ipv4Address.toString(network) + "/" + length);
        }
        return new Ipv4Subnet(network, length);
    }

    private static int mask(int prefixLength) {
        return Ipv4Address.mask(prefixLength);
    }

    /** How many addresses it spans, network and broadcast included. */
    public long size() {
        return 1L << (32 - prefixLength);
    }

    /** The last address, the broadcast address of a subnet longer than /31. */
    public int broadcast() {
        return network | ~mask(prefixLength);
    }

    /** The first address after the network address: the gateway by convention. */
    public int first() {
        return network + 1;
    }

    public boolean contains(int address) {
        return (address & mask(prefixLength)) == network;
    }

    public boolean overlaps(Ipv4Subnet other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        return (network & mask(shorter)) == (other.network & mask(shorter));
    }

    /** Whether {@code other} lies wholly inside this subnet. */
    public boolean covers(Ipv4Subnet other) {
        return other.prefixLength >= prefixLength && contains(other.network);
    }

    /** The {@code index}-th subnet of length {@code length} inside this one, counting from 0. */
    public Ipv4Subnet child(int length, long index) {
        if (length < prefixLength || length > 32 || index < 0 || index >= 1L << (length - prefixLength)) {
            throw new IllegalArgumentException("no /" + length + " number " + index + " in " + this);
        }
        return new Ipv4Subnet((int) (Integer.toUnsignedLong(network) + (index << (32 - length))), length);
    }

    /** A key- and file-name-safe form: {@code 10.0.9.0-24}. */
    public String keyForm() {
        return Ipv4Address.toString(network) + "-" + prefixLength;
    }

    @Override
    public String toString() {
        return Ipv4Address.toString(network) + "/" + prefixLength;
    }
}
