package io.swarmnet.node.overlay;

import io.swarmnet.control.model.LbScheduler;
import io.swarmnet.control.tables.Backend;
import io.swarmnet.control.tables.BackendState;
import io.swarmnet.control.tables.DesiredTables;
import io.swarmnet.control.tables.IpKey;
import io.swarmnet.control.tables.VirtualService;
import io.swarmnet.lb.scheduler.SchedulerType;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.packet.MacAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Maps one node's {@link DesiredTables#services()} (endpoint mode vip) to the load
 * balancer's {@link ServiceTable}: per VIP its MAC (the ARP responder's answer), its
 * scheduler, and its backends with where they are: a local port, or the VTEP of their node.
 * Endpoint mode dnsrr services have no VIP and are not in the input, so nothing is balanced.
 * A pure function, tested without a kernel.
 *
 * <p>Inconsistent input never makes the build throw (the data path would keep a stale
 * table): a VIP or backend the table cannot take is left out. A local backend whose TAP is
 * not attached yet is left out too, so no new flow goes to a port that is not there; the
 * reconcile that follows its attach brings it in.
 */
public final class ServiceTableMapper {
    private ServiceTableMapper() {
    }

    /**
     * Builds the load balancer's table.
     *
     * @param version  a number that grows with each call, so a late publish never wins
     * @param desired  this node's desired tables
     * @param ports    the task interfaces attached on this node
     * @param previous the table in force, whose per-backend counters carry over
     */
    public static ServiceTable map(long version, DesiredTables desired, Collection<LocalPort> ports,
                                   ServiceTable previous) {
        Map<Long, Integer> localPorts = new HashMap<>();
        for (LocalPort port : ports) {
            localPorts.put(key(port.vni(), port.mac()), port.portId());
        }
        ServiceTable.Builder b = ServiceTable.builder(version, previous);
        Set<Long> vips = new HashSet<>();
        for (VirtualService vs : desired.services().entries().values()) {
            Long arpMac = desired.arp().get(new IpKey(vs.vni(), vs.vip()));
            long vipMac = arpMac != null ? arpMac : MacAddress.fromIpv4(vs.vip());
            if (!unicast(vs.vip()) || !unicastMac(vipMac) || vs.vni() < 0 || vs.vni() > 0xFF_FFFF
                    || !vips.add(key(vs.vni(), vs.vip() & 0xFFFF_FFFFL))) {
                continue;
            }
            b.service(vs.name(), vs.vni(), vs.vip(), vipMac, scheduler(vs.scheduler()));
            Set<Integer> seen = new HashSet<>();
            for (Backend backend : vs.backends()) {
                if (!unicast(backend.ip()) || !unicastMac(backend.mac()) || !seen.add(backend.ip())) {
                    continue;
                }
                io.swarmnet.lb.table.BackendState state = backend.state() == BackendState.ACTIVE
                        ? io.swarmnet.lb.table.BackendState.ACTIVE : io.swarmnet.lb.table.BackendState.DRAINING;
                if (backend.local()) {
                    Integer port = localPorts.get(key(vs.vni(), backend.mac()));
                    if (port != null) {
                        b.backend(vs.vni(), vs.vip(), backend.ip(), backend.mac(), port, 0, state, backend.weight());
                    }
                } else if (unicast(backend.vtep())) {
                    b.backend(vs.vni(), vs.vip(), backend.ip(), backend.mac(), io.swarmnet.lb.table.Backend.REMOTE,
                            backend.vtep(), state, backend.weight());
                }
            }
        }
        return b.build();
    }

    static SchedulerType scheduler(LbScheduler scheduler) {
        switch (scheduler) {
            case WRR:
                return SchedulerType.WRR;
            case MAGLEV:
                return SchedulerType.MAGLEV;
            default:
                return SchedulerType.RR;
        }
    }

    private static long key(int vni, long low) {
        return ((long) vni << 48) ^ low;
    }

    private static boolean unicast(int ip) {
        return ip != 0 && ip != -1 && (ip >>> 28) < 0xE;
    }

    private static boolean unicastMac(long mac) {
        return mac > 0 && mac < (1L << 48) && (mac & (1L << 40)) == 0;
    }
}
