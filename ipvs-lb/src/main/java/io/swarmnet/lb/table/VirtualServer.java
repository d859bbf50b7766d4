package io.swarmnet.lb.table;

import io.swarmnet.lb.scheduler.Scheduler;
import io.swarmnet.lb.scheduler.SchedulerType;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.LongLongMap;
import io.swarmnet.packet.MacAddress;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A service's virtual IP on one network (IPVS's "virtual server"): the VIP, the MAC the ARP
 * responder gives it, its backends and the scheduler that picks among the active ones.
 * Part of an immutable {@link ServiceTable} snapshot; only its scheduler's cursor changes,
 * on the event loop.
 */
public final class VirtualServer {
    private final String name;
    private final int vni;
    private final int vip;
    private final long vipMac;
    private final SchedulerType schedulerType;
    private final Backend[] backends;
    private final LongLongMap byIp;
    private final Scheduler scheduler;

    VirtualServer(String name, int vni, int vip, long vipMac, SchedulerType schedulerType, Backend[] backends,
                  int cursor) {
        this.name = name;
        this.vni = vni;
        this.vip = vip;
        this.vipMac = vipMac;
        this.schedulerType = schedulerType;
        this.backends = backends;
        this.byIp = new LongLongMap(backends.length);
        int active = 0;
        for (int i = 0; i < backends.length; i++) {
            byIp.put(backends[i].ip() & 0xFFFF_FFFFL, i);
            active += backends[i].active() ? 1 : 0;
        }
        int[] candidates = new int[active];
        int[] weights = new int[active];
        int[] ips = new int[active];
        int j = 0;
        for (int i = 0; i < backends.length; i++) {
            if (backends[i].active()) {
                candidates[j] = i;
                weights[j] = backends[i].weight();
                ips[j++] = backends[i].ip();
            }
        }
        this.scheduler = Scheduler.create(schedulerType, candidates, weights, ips, cursor);
    }

    /** Returns the service's name, for logs and metrics. */
    public String name() {
        return name;
    }

    /** Returns the VNI of the VIP's network. */
    public int vni() {
        return vni;
    }

    /** Returns the virtual IP. */
    public int vip() {
        return vip;
    }

    /** Returns the VIP's MAC: the source MAC of translated replies. */
    public long vipMac() {
        return vipMac;
    }

    /** Returns the scheduler kind. */
    public SchedulerType schedulerType() {
        return schedulerType;
    }

    /** Returns the number of backends, active and draining. */
    public int backendCount() {
        return backends.length;
    }

    /** Returns backend {@code i}. */
    public Backend backend(int i) {
        return backends[i];
    }

    /** Returns the backends. */
    public List<Backend> backends() {
        return Collections.unmodifiableList(Arrays.asList(backends));
    }

    /** Returns where its round-robin turn is, for the next snapshot to go on from. */
    int cursor() {
        return scheduler.cursor();
    }

    /** Returns the index of the backend at {@code ip}, or -1. */
    public int indexOf(int ip) {
        return (int) byIp.get(ip & 0xFFFF_FFFFL, -1);
    }

    /**
     * Picks the backend of a new flow from {@code clientIp}, whose client address and port
     * hash to {@code flowHash}; returns its index or {@link Scheduler#NONE}. The client
     * itself is passed over while another backend is active: a task that reaches its own
     * service's VIP would otherwise get its packets back with its own source address, which
     * its kernel drops as martian. Event loop only.
     */
    public int pick(int flowHash, int clientIp) {
        int i = scheduler.pick(flowHash);
        if (i < 0 || backends[i].ip() != clientIp) {
            return i;
        }
        // Round-robin moves on by itself; a hash moves on with a different input.
        for (int k = 1; k <= 8; k++) {
            i = scheduler.pick(flowHash + k * 0x9E3779B9);
            if (backends[i].ip() != clientIp) {
                return i;
            }
        }
        for (int j = 0; j < backends.length; j++) {
            if (backends[j].active() && backends[j].ip() != clientIp) {
                return j;
            }
        }
        return Scheduler.NONE;
    }

    @Override
    public String toString() {
        return name + "@" + vni + "/" + Ipv4Address.toString(vip) + "(" + MacAddress.toString(vipMac) + ", "
                + schedulerType.label() + ")" + Arrays.toString(backends);
    }
}
