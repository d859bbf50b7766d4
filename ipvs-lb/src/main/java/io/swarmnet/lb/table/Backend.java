package io.swarmnet.lb.table;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;

/**
 * One backend of a VIP: the task address a flow is rewritten to, its MAC, where it is
 * (a local port or behind a remote VTEP), whether it takes new flows, and its weight.
 * Immutable but for its {@link #counters()}.
 */
public final class Backend {
    /** {@link #localPort()} of a backend on another node. */
    public static final int REMOTE = -1;

    private final int ip;
    private final long mac;
    private final int localPort;
    private final int vtep;
    private final BackendState state;
    private final int weight;
    private final BackendCounters counters;

    Backend(int ip, long mac, int localPort, int vtep, BackendState state, int weight, BackendCounters counters) {
        this.ip = ip;
        this.mac = mac;
        this.localPort = localPort;
        this.vtep = vtep;
        this.state = state;
        this.weight = weight;
        this.counters = counters;
    }

    /** Returns the task's address on the VIP's network. */
    public int ip() {
        return ip;
    }

    /** Returns the task's MAC on that network. */
    public long mac() {
        return mac;
    }

    /** Returns the id of the local port the task is attached to, or {@link #REMOTE}. */
    public int localPort() {
        return localPort;
    }

    /** Returns the underlay address of the VTEP the task is behind, 0 for a local task. */
    public int vtep() {
        return vtep;
    }

    /** Returns whether it takes new flows. */
    public BackendState state() {
        return state;
    }

    /** Returns whether it takes new flows. */
    public boolean active() {
        return state == BackendState.ACTIVE;
    }

    /** Returns its weight for the weighted round-robin scheduler, 1 or more. */
    public int weight() {
        return weight;
    }

    /** Returns its flow counters, shared with the same backend in later snapshots. */
    public BackendCounters counters() {
        return counters;
    }

    @Override
    public String toString() {
        return Ipv4Address.toString(ip) + "(" + MacAddress.toString(mac)
                + (localPort != REMOTE ? ", port " + localPort : ", via " + Ipv4Address.toString(vtep))
                + (state == BackendState.DRAINING ? ", draining" : "") + (weight != 1 ? ", weight " + weight : "") + ")";
    }
}
