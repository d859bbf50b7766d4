package io.swarmnet.vxlan.fdb;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.LongLongMap;
import io.swarmnet.packet.MacAddress;
import java.util.Arrays;

/**
 * What one overlay network (one VNI) looks like from this node: its local ports by MAC, its
 * remote MACs by VTEP, the IPv4 → MAC answers of its ARP responder, and its MTU.
 *
 * <p>Immutable; part of an {@link OverlayTables} snapshot. Lookups take primitives and
 * return sentinels ({@link #NO_PORT}, {@link #NO_VTEP}, {@link #NO_MAC}) rather than
 * boxed or optional values, so the packet path allocates nothing.
 */
public final class NetworkTable {
    /** {@link #localPort} of a MAC that is not on a local port. */
    public static final int NO_PORT = -1;
    /** {@link #remoteVtep} of a MAC that is not behind a remote VTEP; 0.0.0.0 is never one. */
    public static final int NO_VTEP = 0;
    /** {@link #arpMac} of an address the responder does not know. */
    public static final long NO_MAC = -1L;

    private final int vni;
    private final int mtu;
    private final LongLongMap localPorts;
    private final LongLongMap remoteMacs;
    private final LongLongMap arp;
    private final int[] vteps;

    NetworkTable(int vni, int mtu, LongLongMap localPorts, LongLongMap remoteMacs, LongLongMap arp) {
        this.vni = vni;
        this.mtu = mtu;
        this.localPorts = localPorts;
        this.remoteMacs = remoteMacs;
        this.arp = arp;
        LongLongMap distinct = new LongLongMap(4);
        remoteMacs.forEach((mac, vtep) -> distinct.put(vtep, 1));
        int[] list = new int[distinct.size()];
        int[] n = {0};
        distinct.forEach((vtep, one) -> list[n[0]++] = (int) vtep);
        Arrays.sort(list);
        this.vteps = list;
    }

    /** Returns the 24-bit VXLAN network identifier. */
    public int vni() {
        return vni;
    }

    /** Returns the MTU of the network's interfaces: the largest inner IPv4 packet it carries. */
    public int mtu() {
        return mtu;
    }

    /** Returns the id of the local port that owns {@code mac}, or {@link #NO_PORT}. */
    public int localPort(long mac) {
        return (int) localPorts.get(mac, NO_PORT);
    }

    /** Returns the IPv4 address of the VTEP behind which {@code mac} lives, or {@link #NO_VTEP}. */
    public int remoteVtep(long mac) {
        return (int) remoteMacs.get(mac, NO_VTEP);
    }

    /** Returns the MAC that owns overlay address {@code ip}, or {@link #NO_MAC}. */
    public long arpMac(int ip) {
        return arp.get(ip & 0xFFFF_FFFFL, NO_MAC);
    }

    /** Returns the number of local ports. */
    public int localPortCount() {
        return localPorts.size();
    }

    /** Returns the number of remote MACs. */
    public int remoteMacCount() {
        return remoteMacs.size();
    }

    /** Returns the number of ARP answers. */
    public int arpCount() {
        return arp.size();
    }

    /** Receives table entries; for inspection ({@code swarmnet dp show}), never on the packet path. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(long key, long value);
    }

    /** Visits every local port entry: MAC, port id. */
    public void forEachLocalPort(EntryVisitor visitor) {
        localPorts.forEach(visitor::visit);
    }

    /** Visits every remote MAC: MAC, the underlay address of its VTEP (as an unsigned int). */
    public void forEachRemote(EntryVisitor visitor) {
        remoteMacs.forEach(visitor::visit);
    }

    /** Visits every ARP entry: IPv4 address (as an unsigned int), MAC. */
    public void forEachArp(EntryVisitor visitor) {
        arp.forEach(visitor::visit);
    }

    /** Returns the distinct VTEPs that remote MACs of this network live behind, sorted; a copy. */
    public int[] remoteVteps() {
        return vteps.clone();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("NetworkTable(vni ").append(vni).append(", mtu ").append(mtu);
        s.append(", local [");
        localPorts.forEach((mac, port) -> s.append(MacAddress.toString(mac)).append("→port ").append(port).append(' '));
        s.append("], remote [");
        remoteMacs.forEach((mac, vtep) -> s.append(MacAddress.toString(mac)).append("→")
                .append(Ipv4Address.toString((int) vtep)).append(' '));
        s.append("], arp [");
        arp.forEach((ip, mac) -> s.append(Ipv4Address.toString((int) ip)).append("→")
                .append(MacAddress.toString(mac)).append(' '));
        return s.append("])").toString();
    }
}
