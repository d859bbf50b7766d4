package io.swarmnet.sys;

/**
 * An IPv4 address on a link, as {@link Rtnetlink#addresses()} reads it back from the kernel.
 *
 * @param index        the ifindex of the link that has it
 * @param address      the address in network order (10.0.0.1 is {@code 0x0a000001})
 * @param prefixLength the length of the prefix it covers, 0 to 32
 */
public record Ipv4LinkAddress(int index, int address, int prefixLength) {

    /** True if this address and the prefix {@code network/length} share an address. */
    public boolean overlaps(int network, int length) {
        int shorter = Math.min(prefixLength, length);
        int mask = shorter == 0 ? 0 : -1 << (32 - shorter);
        return (address & mask) == (network & mask);
    }

    @Override
    public String toString() {
        return Rtnetlink.ipv4(address) + "/" + prefixLength;
    }
}
