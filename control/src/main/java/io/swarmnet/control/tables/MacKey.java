package io.swarmnet.control.tables;

import io.swarmnet.packet.MacAddress;

/**
 * A MAC address on one overlay network: the key of the forwarding table (MAC to VTEP).
 *
 * @param vni the network's VNI
 * @param mac the MAC address in the low 48 bits
 */
public record MacKey(int vni, long mac) {

    @Override
    public String toString() {
        return vni + "/" + MacAddress.toString(mac);
    }
}
