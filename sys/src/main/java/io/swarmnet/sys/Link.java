package io.swarmnet.sys;

/**
 * A network interface as {@link Rtnetlink} reads it back from the kernel.
 *
 * @param index       the ifindex
 * @param name        the interface name
 * @param kind        the driver kind ({@code "bridge"}, {@code "veth"}, {@code "tun"}), or
 *                    {@code ""} for devices without one, like {@code lo}
 * @param mtu         the MTU in bytes
 * @param masterIndex the ifindex of the bridge it is a port of, or 0
 * @param mac         the hardware address in the low 48 bits, 0 if it has none
 * @param flags       the {@code IFF_*} flags from {@code net/if.h}
 */
public record Link(int index, String name, String kind, int mtu, int masterIndex, long mac, int flags) {
    /** {@code IFF_UP} from {@code net/if.h}: the administrative state is up. */
    public static final int IFF_UP = 0x1;

    /** True if the link is administratively up. */
    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }
}
