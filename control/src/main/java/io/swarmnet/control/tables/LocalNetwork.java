package io.swarmnet.control.tables;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;

/**
 * An overlay network this node takes part in: the VNI its VTEP must accept and switch.
 *
 * @param networkId the network's id
 * @param name      its name, for logs and DNS
 * @param vni       its VXLAN network identifier
 * @param subnet    its subnet
 * @param gateway   its gateway address
 * @param mtu       its MTU, 0 for "underlay MTU - 50"
 * @param ingress   the routing mesh's network
 * @param internal  no egress for its tasks
 */
public record LocalNetwork(String networkId, String name, int vni, Ipv4Subnet subnet, int gateway, int mtu,
                           boolean ingress, boolean internal) {

    @Override
    public String toString() {
        return name + "(vni " + vni + ", " + subnet + ", gw " + Ipv4Address.toString(gateway) + ")";
    }
}
