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
 *
 * <p>A VTEP with several data-path shards has one set per shard ({@link #stripe}), each
 * written by its shard's loop alone; this set then reads their sums.
 */
public final class VtepCounters {
    /** The {@link NetworkCounters#vni()} of the node-wide counters. */
    public static final int NODE = -1;

    private final NetworkCounters node;
    /** Never changed once published; replaced whole. */
    private volatile IntObjectHashMap<NetworkCounters> byVni = new IntObjectHashMap<>();
    private volatile List<NetworkCounters> sorted = List.of();
    /** The shards' sets this one sums, or {@code null}; and, in a shard's set, the summing one. */
    private final VtepCounters[] stripes;
    private final VtepCounters sum;

    /** Counters written by one data path. */
    public VtepCounters() {
        this(1);
    }

    /** Counters of {@code shards} data paths: each writes {@link #stripe stripe(i)}, this reads the sums. */
    VtepCounters(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards " + shards + " < 1");
        }
        this.sum = null;
        if (shards == 1) {
            this.stripes = null;
            this.node = new NetworkCounters(NODE);
        } else {
            this.stripes = new VtepCounters[shards];
            NetworkCounters[] nodes = new NetworkCounters[shards];
            for (int i = 0; i < shards; i++) {
                stripes[i] = new VtepCounters(this);
                nodes[i] = stripes[i].node;
            }
            this.node = new NetworkCounters(NODE, nodes);
        }
    }

    private VtepCounters(VtepCounters sum) {
        this.sum = sum;
        this.stripes = null;
        this.node = new NetworkCounters(NODE);
    }

    /** Returns the counters shard {@code i} writes: this set itself when there is one shard. */
    VtepCounters stripe(int i) {
        if (stripes == null) {
            if (i != 0) {
                throw new IllegalArgumentException("stripe " + i + " of one");
            }
            return this;
        }
        return stripes[i];
    }

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

    private NetworkCounters create(int vni) {
        if (sum != null) {
            // A shard's set: the summing set makes the network in every shard at once.
            sum.forVni(vni);
            return byVni.get(vni);
        }
        return createHere(vni);
    }

    private synchronized NetworkCounters createHere(int vni) {
        NetworkCounters counters = byVni.get(vni);
        if (counters == null) {
            if (stripes == null) {
                counters = new NetworkCounters(vni);
            } else {
                NetworkCounters[] parts = new NetworkCounters[stripes.length];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = stripes[i].createHere(vni);
                }
                counters = new NetworkCounters(vni, parts);
            }
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
