package io.swarmnet.node.overlay;

import io.swarmnet.control.model.Network;
import io.swarmnet.packet.Ipv4Subnet;
import java.util.Collection;
import java.util.Optional;

/**
 * Refuses a gwbridge pool that overlaps an overlay subnet of the cluster. The gwbridge
 * checks the node's own interfaces (the underlay among them) when it starts; only the
 * agent knows the cluster's overlays. An overlap would give a task two routes to the same
 * addresses, and the overlay's eth0 route would hide part of the pool from the bridge.
 */
public final class GwBridgePoolCheck {
    private GwBridgePoolCheck() {
    }

    /**
     * The one-line reason {@code pool} cannot be used next to {@code networks}, or empty
     * when it can.
     */
    public static Optional<String> conflict(String pool, Collection<Network> networks) {
        Ipv4Subnet p = Ipv4Subnet.parse(pool);
        for (Network n : networks) {
            Ipv4Subnet subnet;
            try {
                subnet = Ipv4Subnet.parse(n.subnet());
            } catch (IllegalArgumentException notIpv4) {
                // A record this build cannot read has no subnet to collide with.
                continue;
            }
            if (p.overlaps(subnet)) {
                return Optional.of("--gwbridge-pool " + pool + " overlaps the subnet " + n.subnet() + " of overlay network "
                        + n.name() + "; choose a pool outside every overlay subnet");
            }
        }
        return Optional.empty();
    }
}
