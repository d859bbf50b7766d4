package io.swarmnet.vxlan.vtep;

import io.netty.util.collection.IntObjectHashMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The counters of one VTEP: {@link NetworkCounters} per VNI, and node-wide ones for what
 * belongs to no network this node serves (datagrams from strangers, for unknown VNIs,
 * without the I flag).
 *
 * <p>A network's counters are made when tables naming it are published, or when a port of
 * it is attached, so strangers cannot grow this and a scrape sees zeros rather than
 * nothing. The set is a copy-on-write map: lookups (the event loop's, per packet) read an
 * immutable map through one volatile reference; the rare creation copies it under a lock.
 * Counters outlive a network's removal from the tables, so Prometheus never sees them go
 * backwards while the VTEP lives.
 */
public final class VtepCounters {
    /** The {@link NetworkCounters#vni()} of the node-wide counters. */
    public static final int NODE = -1;

    private final NetworkCounters node = new NetworkCounters(NODE);
    /** Never changed once published; replaced whole. */
    private volatile IntObjectHashMap<NetworkCounters> byVni = new IntObjectHashMap<>();
    private volatile List<NetworkCounters> sorted = List.of();

    /** Returns the node-wide counters. */
    public NetworkCounters node() {
        return node;
    }

    /** Returns the counters of network {@code vni}, or {@code null} if it was never served. */
    public NetworkCounters network(int vni) {
        return byVni.get(vni);
    }

    /** Returns the counters of every network served so far, by ascending VNI. */
    public List<NetworkCounters> networks() {
        return sorted;
    }

    /** Returns the counters of {@code vni}, making them if need be. */
    NetworkCounters forVni(int vni) {
        NetworkCounters counters = byVni.get(vni);
        return counters != null ? counters : create(vni);
    }

    private synchronized NetworkCounters create(int vni) {
        NetworkCounters counters = byVni.get(vni);
        if (counters == null) {
            counters = new NetworkCounters(vni);
            IntObjectHashMap<NetworkCounters> copy = new IntObjectHashMap<>(byVni.size() + 1);
            copy.putAll(byVni);
            copy.put(vni, counters);
            List<NetworkCounters> all = new ArrayList<>(copy.values());
            all.sort(Comparator.comparingInt(NetworkCounters::vni));
            sorted = Collections.unmodifiableList(all);
            byVni = copy;
        }
        return counters;
    }

    @Override
    public String toString() {
        return "VtepCounters(" + node + ", " + sorted + ")";
    }
}
