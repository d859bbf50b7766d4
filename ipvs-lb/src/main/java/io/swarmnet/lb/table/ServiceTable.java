package io.swarmnet.lb.table;

import io.swarmnet.lb.scheduler.SchedulerType;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.LongLongMap;
import io.swarmnet.packet.MacAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every VIP this node balances, per VNI: an immutable, versioned snapshot that the agent
 * builds from the control plane's services and publishes through one volatile reference
 * ({@code NatStage.publish}), so the packet path reads a consistent view without locks.
 */
public final class ServiceTable {
    /** No services: what a data path starts with. */
    public static final ServiceTable EMPTY = builder(0).build();

    private final long version;
    private final LongLongMap index;
    private final VirtualServer[] services;

    private ServiceTable(long version, VirtualServer[] services) {
        this.version = version;
        this.services = services;
        this.index = new LongLongMap(services.length);
        for (int i = 0; i < services.length; i++) {
            index.put(key(services[i].vni(), services[i].vip()), i);
        }
    }

    /** Returns a builder for a table of {@code version}, which the caller increases with each snapshot. */
    public static Builder builder(long version) {
        return new Builder(version, EMPTY);
    }

    /**
     * Returns a builder for a table of {@code version} whose backends keep the counters
     * they have in {@code previous}, so per-backend metrics survive republishing.
     */
    public static Builder builder(long version, ServiceTable previous) {
        return new Builder(version, previous);
    }

    /** Returns the version the builder was given. */
    public long version() {
        return version;
    }

    /** Returns the VIP {@code vip} of network {@code vni}, or {@code null}. */
    public VirtualServer service(int vni, int vip) {
        int i = (int) index.get(key(vni, vip), -1);
        return i < 0 ? null : services[i];
    }

    /** Returns every VIP, in the order they were added. */
    public List<VirtualServer> services() {
        return Collections.unmodifiableList(java.util.Arrays.asList(services));
    }

    /** Returns whether there are no VIPs. */
    public boolean isEmpty() {
        return services.length == 0;
    }

    private static long key(int vni, int ip) {
        return ((long) vni << 32) | (ip & 0xFFFF_FFFFL);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ServiceTable(version ").append(version);
        for (VirtualServer v : services) {
            s.append(", ").append(v);
        }
        return s.append(')').toString();
    }

    /**
     * Collects VIPs and their backends and builds the snapshot. A VIP added twice, or a
     * backend added twice to one VIP, is an {@link IllegalArgumentException}, so a bug in
     * the control plane shows where the table is built. Not thread-safe.
     */
    public static final class Builder {
        private final long version;
        private final ServiceTable previous;
        private final Map<Long, ServiceBuilder> services = new LinkedHashMap<>();

        private Builder(long version, ServiceTable previous) {
            if (version < 0) {
                throw new IllegalArgumentException("negative version " + version);
            }
            this.version = version;
            this.previous = previous;
        }

        /**
         * Adds VIP {@code vip} on network {@code vni} (24 bits), whose ARP answer is
         * {@code vipMac}, balanced by {@code scheduler}; returns this builder.
         */
        public Builder service(String name, int vni, int vip, long vipMac, SchedulerType scheduler) {
            if (vni < 0 || vni > 0xFF_FFFF) {
                throw new IllegalArgumentException("VNI " + vni + " is not a 24-bit value");
            }
            checkUnicast(vip, "VIP");
            checkMac(vipMac);
            if (scheduler == null || name == null) {
                throw new IllegalArgumentException("name and scheduler are required");
            }
            if (services.putIfAbsent(key(vni, vip), new ServiceBuilder(name, vni, vip, vipMac, scheduler)) != null) {
                throw new IllegalArgumentException("VIP " + vni + "/" + Ipv4Address.toString(vip) + " added twice");
            }
            return this;
        }

        /**
         * Adds a backend to VIP {@code vip} of {@code vni}: a task at {@code ip} with
         * {@code mac}, on local port {@code localPort} or, with {@link Backend#REMOTE},
         * behind VTEP {@code vtep}; weight 1 or more.
         */
        public Builder backend(int vni, int vip, int ip, long mac, int localPort, int vtep, BackendState state,
                               int weight) {
            ServiceBuilder s = services.get(key(vni, vip));
            if (s == null) {
                throw new IllegalArgumentException("backend for " + vni + "/" + Ipv4Address.toString(vip)
                        + ", which was not added as a service");
            }
            checkUnicast(ip, "backend");
            checkMac(mac);
            if (weight < 1 || weight > 65535) {
                throw new IllegalArgumentException("weight " + weight + " is outside 1..65535");
            }
            if (localPort < Backend.REMOTE || state == null) {
                throw new IllegalArgumentException("bad port " + localPort + " or no state");
            }
            if (s.backends.containsKey(ip)) {
                throw new IllegalArgumentException("backend " + Ipv4Address.toString(ip) + " added twice to "
                        + vni + "/" + Ipv4Address.toString(vip));
            }
            VirtualServer old = previous.service(vni, vip);
            int at = old == null ? -1 : old.indexOf(ip);
            BackendCounters counters = at < 0 ? new BackendCounters() : old.backend(at).counters();
            s.backends.put(ip, new Backend(ip, mac, localPort, localPort == Backend.REMOTE ? vtep : 0, state,
                    weight, counters));
            return this;
        }

        /** Builds the snapshot. */
        public ServiceTable build() {
            List<VirtualServer> built = new ArrayList<>(services.size());
            for (ServiceBuilder s : services.values()) {
                // Round-robin goes on where the previous snapshot's turn was: a table is
                // republished at every cluster change, and starting each over at the first
                // backend would send it more than its share.
                VirtualServer old = previous.service(s.vni, s.vip);
                built.add(new VirtualServer(s.name, s.vni, s.vip, s.vipMac, s.scheduler,
                        s.backends.values().toArray(new Backend[0]), old == null ? 0 : old.cursor()));
            }
            return new ServiceTable(version, built.toArray(new VirtualServer[0]));
        }

        private static void checkMac(long mac) {
            if (mac <= 0 || mac > MacAddress.BROADCAST || MacAddress.isMulticast(mac)) {
                throw new IllegalArgumentException(Long.toHexString(mac) + " is not a unicast MAC");
            }
        }

        private static void checkUnicast(int ip, String what) {
            if (ip == 0 || ip == -1 || (ip >>> 28) >= 0xE) {
                throw new IllegalArgumentException(what + " " + Ipv4Address.toString(ip) + " is not a unicast address");
            }
        }
    }

    /** A VIP while it is being built; backends keep the order they were added in. */
    private static final class ServiceBuilder {
        final String name;
        final int vni;
        final int vip;
        final long vipMac;
        final SchedulerType scheduler;
        final Map<Integer, Backend> backends = new LinkedHashMap<>();

        ServiceBuilder(String name, int vni, int vip, long vipMac, SchedulerType scheduler) {
            this.name = name;
            this.vni = vni;
            this.vip = vip;
            this.vipMac = vipMac;
            this.scheduler = scheduler;
        }
    }
}
