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
 * <p>The event loop creates a network's counters the first time it counts for that VNI,
 * which only a VNI in the tables or of an attached port can be, so strangers cannot grow
 * this. Readers on other threads see the set of networks through a copy-on-write list
 * republished on each creation, and the values as {@link NetworkCounters} describes.
 * Counters outlive a network's removal from the tables, so Prometheus never sees them go
 * backwards while the VTEP lives.
 */
public final class VtepCounters {
    /** The {@link NetworkCounters#vni()} of the node-wide counters. */
    public static final int NODE = -1;

    private final NetworkCounters node = new NetworkCounters(NODE);
    /** Owned by the event loop. */
    private final IntObjectHashMap<NetworkCounters> byVni = new IntObjectHashMap<>();
    private volatile List<NetworkCounters> published = List.of();

    /** Returns the node-wide counters. */
    public NetworkCounters node() {
        return node;
    }

    /** Returns the counters of network {@code vni}, or {@code null} if nothing was counted for it yet. */
    public NetworkCounters network(int vni) {
        for (NetworkCounters counters : published) {
            if (counters.vni() == vni) {
                return counters;
            }
        }
        return null;
    }

    /** Returns the counters of every network counted so far, by ascending VNI. */
    public List<NetworkCounters> networks() {
        return published;
    }

    /** Returns the counters of {@code vni}, creating them; event loop only. */
    NetworkCounters forVni(int vni) {
        NetworkCounters counters = byVni.get(vni);
        if (counters == null) {
            counters = new NetworkCounters(vni);
            byVni.put(vni, counters);
            List<NetworkCounters> all = new ArrayList<>(byVni.values());
            all.sort(Comparator.comparingInt(NetworkCounters::vni));
            published = Collections.unmodifiableList(all);
        }
        return counters;
    }

    @Override
    public String toString() {
        return "VtepCounters(" + node + ", " + published + ")";
    }
}
