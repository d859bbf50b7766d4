package io.swarmnet.node.overlay;

import io.swarmnet.control.model.Node;
import io.swarmnet.control.tables.DesiredTables;
import io.swarmnet.control.tables.IpKey;
import io.swarmnet.control.tables.LocalNetwork;
import io.swarmnet.control.tables.MacKey;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.vxlan.fdb.OverlayTables;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps one node's {@link DesiredTables} to the VTEP's {@link OverlayTables}: a network per
 * VNI with its MTU, remote MACs behind their node's VTEP, the ARP answers, the peers and
 * the local ports actually attached. A pure function, so it is tested without a kernel.
 *
 * <p>Inconsistent input never makes the build throw (the data path would keep stale
 * tables): an entry the VTEP cannot take is left out. A remote MAC that is also local
 * loses to the local port; a port whose VNI the tables do not serve yet is left out until
 * the next reconcile brings its network.
 */
public final class OverlayTablesMapper {
    /** What VXLAN over IPv4 adds to an inner frame: outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
    public static final int VXLAN_OVERHEAD = 50;

    private OverlayTablesMapper() {
    }

    /**
     * Builds the VTEP's tables.
     *
     * @param version     a number that grows with each call, so a late publish never wins
     * @param desired     this node's desired tables
     * @param peers       the underlay addresses of the other ready nodes
     * @param underlayMtu the MTU of the interface holding the advertise address
     * @param ports       the task interfaces attached on this node
     */
    public static OverlayTables map(long version, DesiredTables desired, Collection<Integer> peers, int underlayMtu,
                                    Collection<LocalPort> ports) {
        OverlayTables.Builder b = OverlayTables.builder(version);
        Set<Integer> vnis = new HashSet<>();
        for (LocalNetwork network : desired.networks().entries().values()) {
            int mtu = mtu(network, underlayMtu);
            if (mtu >= 68 && mtu <= 65000) {
                b.network(network.vni(), mtu);
                vnis.add(network.vni());
            }
        }
        Set<Integer> peerSet = new HashSet<>();
        for (int peer : peers) {
            if (unicast(peer)) {
                b.peer(peer);
                peerSet.add(peer);
            }
        }
        Set<MacKey> local = new HashSet<>();
        for (LocalPort port : ports) {
            MacKey key = new MacKey(port.vni(), port.mac());
            if (vnis.contains(port.vni()) && unicastMac(port.mac()) && local.add(key)) {
                b.localPort(port.vni(), port.mac(), port.portId());
            }
        }
        for (Map.Entry<MacKey, Integer> e : desired.fdb().entries().entrySet()) {
            MacKey key = e.getKey();
            int vtep = e.getValue();
            // A task's node is ready by construction of the fdb; it may have come up since
            // the peers were read, so it is trusted as a peer too.
            if (!vnis.contains(key.vni()) || local.contains(key) || !unicastMac(key.mac()) || !unicast(vtep)) {
                continue;
            }
            if (peerSet.add(vtep)) {
                b.peer(vtep);
            }
            b.remote(key.vni(), key.mac(), vtep);
        }
        for (Map.Entry<IpKey, Long> e : desired.arp().entries().entrySet()) {
            IpKey key = e.getKey();
            if (vnis.contains(key.vni()) && unicast(key.ip()) && unicastMac(e.getValue())) {
                b.arp(key.vni(), key.ip(), e.getValue());
            }
        }
        return b.build();
    }

    /**
     * The underlay addresses of the nodes {@code nodeId} exchanges VXLAN with: every other
     * ready node with an IPv4 advertise address (an IPv6 underlay cannot carry this VTEP's
     * VXLAN, so such a node is no peer).
     */
    public static List<Integer> peers(ClusterView view, String nodeId) {
        List<Integer> peers = new ArrayList<>();
        for (Node node : view.nodes().values()) {
            if (!node.id().equals(nodeId) && view.isReady(node.id())) {
                try {
                    peers.add(Ipv4Address.parse(node.advertiseAddr()));
                } catch (IllegalArgumentException notIpv4) {
                    // Not a peer, as the Javadoc says.
                }
            }
        }
        return peers;
    }

    /** The MTU of {@code network}'s interfaces: its own, or the underlay's less the VXLAN overhead. */
    public static int mtu(LocalNetwork network, int underlayMtu) {
        return network.mtu() > 0 ? network.mtu() : underlayMtu - VXLAN_OVERHEAD;
    }

    private static boolean unicast(int ip) {
        return ip != 0 && ip != -1 && (ip >>> 28) < 0xE;
    }

    private static boolean unicastMac(long mac) {
        return mac > 0 && mac < (1L << 48) && (mac & (1L << 40)) == 0;
    }
}
