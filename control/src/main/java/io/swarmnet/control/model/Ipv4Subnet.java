package io.swarmnet.control.model;

/**
 * An IPv4 subnet as the data plane uses it.
 *
 * @param address the network address, host bits zero, as an {@code int}
 * @param prefix  the prefix length, 0-32
 */
public record Ipv4Subnet(int address, int prefix) {

    public Ipv4Subnet {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length must be 0-32, not " + prefix);
        }
    }

    /** The netmask of a prefix length, e.g. {@code 0xffffff00} for 24. */
    public static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    public boolean contains(int ipv4) {
        return (ipv4 & mask(prefix)) == address;
    }

    @Override
    public String toString() {
        return Addresses.formatIpv4(address) + "/" + prefix;
    }
}
