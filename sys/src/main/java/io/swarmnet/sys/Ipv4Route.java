package io.swarmnet.sys;

/**
 * An IPv4 unicast route of the main table, as {@link Rtnetlink} adds and deletes it.
 * Addresses are {@code int}s in network order (10.0.0.1 is {@code 0x0a000001}).
 *
 * @param destination  the network, with no bits set past the prefix; 0 for the default route
 * @param prefixLength 0 to 32
 * @param gateway      the next hop, or 0 for a route straight out of {@code device}
 * @param device       the outgoing interface, or {@code null} to let the kernel pick it
 *                     from the gateway
 * @param onLink       whether the gateway counts as reachable on {@code device} even if no
 *                     address of the device covers it ({@code ip route ... onlink})
 */
public record Ipv4Route(int destination, int prefixLength, int gateway, String device, boolean onLink) {

    /** Checks the route is one the kernel can take, so a mistake is named before it is sent. */
    public Ipv4Route {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 0..32");
        }
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        if ((destination & ~mask) != 0) {
            throw new IllegalArgumentException(Rtnetlink.ipv4(destination) + "/" + prefixLength
                    + " has host bits set");
        }
        if (gateway == 0 && device == null) {
            throw new IllegalArgumentException("a route needs a gateway or a device");
        }
        if (onLink && (gateway == 0 || device == null)) {
            throw new IllegalArgumentException("an on-link gateway needs both gateway and device");
        }
        if (device != null) {
            IfName.check(device);
        }
    }

    /** The default route through {@code gateway}. */
    public static Ipv4Route defaultVia(int gateway) {
        return new Ipv4Route(0, 0, gateway, null, false);
    }

    /** A route to the network that leaves {@code device} without a gateway. */
    public static Ipv4Route direct(int destination, int prefixLength, String device) {
        return new Ipv4Route(destination, prefixLength, 0, device, false);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(prefixLength == 0 ? "default"
                : Rtnetlink.ipv4(destination) + "/" + prefixLength);
        if (gateway != 0) {
            text.append(" via ").append(Rtnetlink.ipv4(gateway));
        }
        if (device != null) {
            text.append(" dev ").append(device);
        }
        return onLink ? text.append(" onlink").toString() : text.toString();
    }
}
