package io.swarmnet.control.cluster;

import java.util.Map;
import java.util.Objects;

/**
 * What {@code network create} asks for; {@link ClusterStore#createNetwork} allocates the rest.
 *
 * @param name       unique among networks
 * @param subnet     IPv4 CIDR, or null to take the next free one from the default address pool
 * @param gateway    an address inside {@code subnet}, or null for its first address
 * @param attachable standalone tasks may attach
 * @param internal   no egress through docker_gwbridge
 * @param ingress    the routing mesh's network; a cluster has at most one
 * @param encrypted  IPsec requested ({@code --opt encrypted}); recorded, not yet enforced
 * @param mtu        the overlay MTU, 0 to derive it on each node
 * @param labels     free-form user labels
 */
public record NetworkSpec(String name, String subnet, String gateway, boolean attachable, boolean internal,
                          boolean ingress, boolean encrypted, int mtu, Map<String, String> labels) {
    public NetworkSpec {
        Objects.requireNonNull(name, "name");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A plain overlay network: the next free subnet, its first address as gateway. */
    public static NetworkSpec named(String name) {
        return new NetworkSpec(name, null, null, false, false, false, false, 0, Map.of());
    }

    public NetworkSpec withSubnet(String newSubnet) {
        return new NetworkSpec(name, newSubnet, gateway, attachable, internal, ingress, encrypted, mtu, labels);
    }

    public NetworkSpec asIngress() {
        return new NetworkSpec(name, subnet, gateway, attachable, internal, true, encrypted, mtu, labels);
    }
}
