package io.swarmnet.control.tables;

import io.swarmnet.packet.Ipv4Address;

/**
 * An IPv4 address on one overlay network: the key of the neighbour (IP to MAC) and
 * service (VIP to backends) tables.
 *
 * @param vni the network's VNI
 * @param ip  the address
 */
public record IpKey(int vni, int ip) {

    @Override
    public String toString() {
        return vni + "/" + Ipv4Address.toString(ip);
    }
}
