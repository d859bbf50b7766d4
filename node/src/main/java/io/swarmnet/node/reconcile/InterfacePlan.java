package io.swarmnet.node.reconcile;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One overlay interface a task should have: its name in the task ({@code eth0}, {@code
 * eth2}, ...), its network, address and MTU, and the name of the TAP it is made as.
 */
public record InterfacePlan(String name, String networkId, String network, int vni, int ip, int prefixLength,
                            long mac, int mtu, String tapName) {

    /** The interface as the local API shows it. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("interface", name);
        m.put("networkId", networkId);
        m.put("network", network);
        m.put("vni", vni);
        m.put("ip", Ipv4Address.toString(ip));
        m.put("prefixLength", prefixLength);
        m.put("mac", MacAddress.toString(mac));
        m.put("mtu", mtu);
        return m;
    }

    @Override
    public String toString() {
        return name + "=" + network + "(vni " + vni + ", " + Ipv4Address.toString(ip) + "/" + prefixLength + ", mtu " + mtu + ")";
    }
}
