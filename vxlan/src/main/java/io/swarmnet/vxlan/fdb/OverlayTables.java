package io.swarmnet.vxlan.fdb;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.LongLongMap;
import io.swarmnet.packet.MacAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the VTEP forwards by: the networks this node serves ({@link NetworkTable} per
 * VNI) and the peer VTEPs (cluster nodes) it accepts VXLAN from. An immutable, versioned
 * snapshot; the agent builds a new one from the control plane's desired state and publishes
 * it through one volatile reference ({@code Vtep.publish}), so the packet path reads a
 * consistent view without locks.
 *
 * <p>Why static tables and no learning: like flannel's VXLAN backend and Docker's overlay
 * (static FDB and neighbour entries), the control plane knows every endpoint's MAC, IP and
 * node, so the data plane never floods to discover them and never trusts the wire to tell
 * it where a MAC lives. A frame for a MAC the table does not know is dropped and counted.
 */
public final class OverlayTables {
    /** Tables that serve nothing and trust no one: what a VTEP starts with. */
    public static final OverlayTables EMPTY = builder(0).build();

    private final long version;
    private final LongLongMap networkIndex;
    private final NetworkTable[] networks;
    private final LongLongMap peerSet;
    private final int[] peers;

    private OverlayTables(long version, NetworkTable[] networks, int[] peers) {
        this.version = version;
        this.networks = networks;
        this.networkIndex = new LongLongMap(networks.length);
        for (int i = 0; i < networks.length; i++) {
            networkIndex.put(networks[i].vni(), i);
        }
        this.peers = peers;
        this.peerSet = new LongLongMap(peers.length);
        for (int peer : peers) {
            peerSet.put(peer & 0xFFFF_FFFFL, 1);
        }
    }

    /** Returns a builder for tables of {@code version}, which the caller increases with each snapshot. */
    public static Builder builder(long version) {
        return new Builder(version);
    }

    /** Returns the version the builder was given. */
    public long version() {
        return version;
    }

    /** Returns the network with {@code vni}, or {@code null} if this node does not serve it. */
    public NetworkTable network(int vni) {
        int i = (int) networkIndex.get(vni & 0xFFFF_FFFFL, -1);
        return i < 0 ? null : networks[i];
    }

    /** Returns whether {@code ip} is the address of a peer VTEP. */
    public boolean isPeer(int ip) {
        return peerSet.containsKey(ip & 0xFFFF_FFFFL);
    }

    /** Returns the peer VTEP addresses, sorted as unsigned values; a copy. */
    public int[] peers() {
        return peers.clone();
    }

    /** Returns the networks, by ascending VNI. */
    public List<NetworkTable> networks() {
        return Collections.unmodifiableList(Arrays.asList(networks));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("OverlayTables(version ").append(version).append(", peers [");
        for (int peer : peers) {
            s.append(Ipv4Address.toString(peer)).append(' ');
        }
        s.append("]");
        for (NetworkTable network : networks) {
            s.append(", ").append(network);
        }
        return s.append(')').toString();
    }

    /**
     * Collects networks, peers and entries, checks they fit together, and builds the
     * snapshot. Adding the same entry twice is harmless; adding a conflicting one (a MAC
     * on two ports, an address with two MACs) is an {@link IllegalArgumentException}, so
     * a bug in the control plane shows up where the tables are built, not as lost frames.
     * Not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final long version;
        private final Map<Integer, NetworkBuilder> networks = new LinkedHashMap<>();
        private final LongLongMap peers = new LongLongMap(8);

        private Builder(long version) {
            if (version < 0) {
                throw new IllegalArgumentException("negative version " + version);
            }
            this.version = version;
        }

        /** Adds a peer VTEP: a cluster node whose VXLAN datagrams are accepted. */
        public Builder peer(int ip) {
            checkUnicast(ip, "peer");
            peers.put(ip & 0xFFFF_FFFFL, 1);
            return this;
        }

        /**
         * Adds network {@code vni} (0 to 2^24-1) carrying inner IPv4 packets of up to
         * {@code mtu} bytes (68 to 65000, e.g. the underlay MTU minus 50).
         */
        public Builder network(int vni, int mtu) {
            if (vni < 0 || vni > 0xFF_FFFF) {
                throw new IllegalArgumentException("VNI " + vni + " is not a 24-bit value");
            }
            if (mtu < 68 || mtu > 65000) {
                throw new IllegalArgumentException("MTU " + mtu + " of VNI " + vni + " is outside 68..65000");
            }
            NetworkBuilder existing = networks.get(vni);
            if (existing != null && existing.mtu != mtu) {
                throw new IllegalArgumentException("VNI " + vni + " added with MTU " + existing.mtu + " and " + mtu);
            }
            if (existing == null) {
                networks.put(vni, new NetworkBuilder(vni, mtu));
            }
            return this;
        }

        /** Puts {@code mac} of network {@code vni} on local port {@code portId} (from {@code TapPort.id()}). */
        public Builder localPort(int vni, long mac, int portId) {
            NetworkBuilder n = network(vni, "local port");
            checkMac(mac, vni);
            if (portId < 0) {
                throw new IllegalArgumentException("negative port id " + portId);
            }
            if (n.remoteMacs.containsKey(mac)) {
                throw conflict(vni, mac, "both local and remote");
            }
            if (!putOnce(n.localPorts, mac, portId)) {
                throw conflict(vni, mac, "on two ports");
            }
            return this;
        }

        /** Puts {@code mac} of network {@code vni} behind the VTEP at {@code vtep}, which must be a {@link #peer}. */
        public Builder remote(int vni, long mac, int vtep) {
            NetworkBuilder n = network(vni, "remote MAC");
            checkMac(mac, vni);
            checkUnicast(vtep, "VTEP");
            if (n.localPorts.containsKey(mac)) {
                throw conflict(vni, mac, "both local and remote");
            }
            if (!putOnce(n.remoteMacs, mac, vtep & 0xFFFF_FFFFL)) {
                throw conflict(vni, mac, "behind two VTEPs");
            }
            return this;
        }

        /** Makes the ARP responder of network {@code vni} answer {@code ip} with {@code mac}. */
        public Builder arp(int vni, int ip, long mac) {
            NetworkBuilder n = network(vni, "ARP entry");
            checkMac(mac, vni);
            checkUnicast(ip, "ARP address");
            if (!putOnce(n.arp, ip & 0xFFFF_FFFFL, mac)) {
                throw new IllegalArgumentException("VNI " + vni + ": " + Ipv4Address.toString(ip) + " has two MACs");
            }
            return this;
        }

        /**
         * Builds the snapshot.
         *
         * @throws IllegalArgumentException if a remote MAC lives behind a VTEP that is not a peer
         */
        public OverlayTables build() {
            List<NetworkTable> built = new ArrayList<>(networks.size());
            for (NetworkBuilder n : networks.values()) {
                n.remoteMacs.forEach((mac, vtep) -> {
                    if (!peers.containsKey(vtep)) {
                        throw new IllegalArgumentException("VNI " + n.vni + ": " + MacAddress.toString(mac)
                                + " is behind " + Ipv4Address.toString((int) vtep) + ", which is not a peer");
                    }
                });
                built.add(new NetworkTable(n.vni, n.mtu, n.localPorts, n.remoteMacs, n.arp));
            }
            built.sort((a, b) -> Integer.compare(a.vni(), b.vni()));
            long[] unsigned = new long[peers.size()];
            int[] i = {0};
            peers.forEach((ip, one) -> unsigned[i[0]++] = ip);
            Arrays.sort(unsigned);
            int[] peerList = new int[unsigned.length];
            for (int j = 0; j < unsigned.length; j++) {
                peerList[j] = (int) unsigned[j];
            }
            return new OverlayTables(version, built.toArray(new NetworkTable[0]), peerList);
        }

        private NetworkBuilder network(int vni, String what) {
            NetworkBuilder n = networks.get(vni);
            if (n == null) {
                throw new IllegalArgumentException(what + " for VNI " + vni + ", which was not added as a network");
            }
            return n;
        }

        /** Puts the entry unless the key has another value already; returns whether it did. */
        private static boolean putOnce(LongLongMap map, long key, long value) {
            long existing = map.get(key, -1);
            if (existing != -1 && existing != value) {
                return false;
            }
            map.put(key, value);
            return true;
        }

        private static IllegalArgumentException conflict(int vni, long mac, String what) {
            return new IllegalArgumentException("VNI " + vni + ": " + MacAddress.toString(mac) + " is " + what);
        }

        private static void checkMac(long mac, int vni) {
            if (mac <= 0 || mac > MacAddress.BROADCAST || MacAddress.isMulticast(mac)) {
                throw new IllegalArgumentException("VNI " + vni + ": " + Long.toHexString(mac)
                        + " is not a unicast MAC");
            }
        }

        private static void checkUnicast(int ip, String what) {
            if (ip == 0 || ip == -1 || (ip >>> 28) >= 0xE) {
                throw new IllegalArgumentException(what + " " + Ipv4Address.toString(ip) + " is not a unicast address");
            }
        }
    }

    /** A network while it is being built. */
    private static final class NetworkBuilder {
        final int vni;
        final int mtu;
        final LongLongMap localPorts = new LongLongMap(8);
        final LongLongMap remoteMacs = new LongLongMap(8);
        final LongLongMap arp = new LongLongMap(8);

        NetworkBuilder(int vni, int mtu) {
            this.vni = vni;
            this.mtu = mtu;
        }
    }
}
