package io.swarmnet.vxlan.vtep;

import io.swarmnet.lb.LbConfig;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.VxlanView;
import io.swarmnet.sys.CpuSet;

/**
 * How a {@link Vtep} runs: the address and port it receives VXLAN on, its transport, and
 * the batching and offload switches. Immutable; made by {@link #builder}.
 */
public final class VtepConfig {
    /** Lowest data-path port dockerd accepts ({@code --data-path-port}). */
    public static final int MIN_PORT = 1024;
    /** Highest data-path port dockerd accepts. */
    public static final int MAX_PORT = 49151;
    /**
     * Default nice of the event loop: ahead of ordinary threads, as the kernel's vxlan,
     * which runs in softirq, is ahead of every thread. The loop carries every task's
     * traffic; on a busy host a time slice of waiting is milliseconds of latency.
     */
    public static final int DEFAULT_THREAD_NICE = -10;

    private final int advertiseAddress;
    private final int dataPathPort;
    private final Transport transport;
    private final int sourcePorts;
    private final boolean udpGso;
    private final boolean udpGro;
    private final int threadNice;
    private final CpuSet cpus;
    private final int loops;
    private final long gatherAbove;
    private final LbConfig loadBalancer;

    private VtepConfig(Builder b) {
        this.advertiseAddress = b.advertiseAddress;
        this.dataPathPort = b.dataPathPort;
        this.transport = b.transport;
        this.sourcePorts = b.sourcePorts;
        this.udpGso = b.udpGso;
        this.udpGro = b.udpGro;
        this.threadNice = b.threadNice;
        this.cpus = b.cpus;
        this.loops = b.loops;
        this.gatherAbove = b.gatherAbove;
        this.loadBalancer = b.loadBalancer;
    }

    /** Returns a builder for a VTEP that receives on {@code advertiseAddress}, the node's underlay IPv4 address. */
    public static Builder builder(int advertiseAddress) {
        return new Builder(advertiseAddress);
    }

    /** Returns the underlay address: VXLAN is received on it and sent from it. */
    public int advertiseAddress() {
        return advertiseAddress;
    }

    /** Returns the UDP port VXLAN is received on and sent to, 4789 unless changed. */
    public int dataPathPort() {
        return dataPathPort;
    }

    /** Returns the Netty transport. */
    public Transport transport() {
        return transport;
    }

    /** Returns how many sending sockets, each with its own source port, flows are spread over. */
    public int sourcePorts() {
        return sourcePorts;
    }

    /** Returns whether segments of a TSO frame go out in one UDP GSO send where the kernel can. */
    public boolean udpGso() {
        return udpGso;
    }

    /** Returns whether the receive socket asks the kernel for GRO-coalesced datagrams where the transport can. */
    public boolean udpGro() {
        return udpGro;
    }

    /** Returns the nice value of the event loop's thread (-20 to 19; 0 is every thread's default). */
    public int threadNice() {
        return threadNice;
    }

    /** Returns the CPUs the event loop's thread may run on, or null for any CPU (the default). */
    public CpuSet cpus() {
        return cpus;
    }

    /** Returns 1 for a single event loop, or 0 for one per CPU of {@link #cpus()} when it names CPUs (the default). */
    public int loops() {
        return loops;
    }

    /**
     * Returns the packets a second above which a VTEP of several loops gathers its traffic
     * on the first ({@link SteeringGovernor}); below half of it for a second, it steers by
     * CPU again.
     */
    public long gatherAbove() {
        return gatherAbove;
    }

    /** Returns how the load balancer of service VIPs tracks connections. */
    public LbConfig loadBalancer() {
        return loadBalancer;
    }

    @Override
    public String toString() {
        return "VtepConfig(" + Ipv4Address.toString(advertiseAddress) + ":" + dataPathPort + ", " + transport
                + ", " + sourcePorts + " source ports, gso " + udpGso + ", gro " + udpGro + ", nice "
                + threadNice + (cpus == null ? "" : ", cpus " + cpus) + (loops == 1 ? ", one loop" : "") + ")";
    }

    /** Builds a {@link VtepConfig}; checks each value as it is set. */
    public static final class Builder {
        private final int advertiseAddress;
        private int dataPathPort = VxlanView.PORT;
        private Transport transport = Transport.EPOLL;
        private int sourcePorts = 8;
        private boolean udpGso = true;
        private boolean udpGro = true;
        private int threadNice = DEFAULT_THREAD_NICE;
        private CpuSet cpus;
        private int loops;
        private long gatherAbove = SteeringGovernor.GATHER_ABOVE;
        private LbConfig loadBalancer = LbConfig.DEFAULT;

        private Builder(int advertiseAddress) {
            if (advertiseAddress == 0 || (advertiseAddress >>> 28) >= 0xE || (advertiseAddress >>> 24) == 127) {
                throw new IllegalArgumentException("advertise address " + Ipv4Address.toString(advertiseAddress)
                        + " is not a unicast underlay address");
            }
            this.advertiseAddress = advertiseAddress;
        }

        /** Sets the UDP port for VXLAN, {@value #MIN_PORT} to {@value #MAX_PORT} like dockerd's {@code --data-path-port}. */
        public Builder dataPathPort(int port) {
            if (port < MIN_PORT || port > MAX_PORT) {
                throw new IllegalArgumentException("data path port " + port + " is outside " + MIN_PORT + ".." + MAX_PORT);
            }
            this.dataPathPort = port;
            return this;
        }

        /** Sets the Netty transport; {@link Transport#EPOLL} by default. */
        public Builder transport(Transport transport) {
            if (transport == null) {
                throw new IllegalArgumentException("transport is null");
            }
            this.transport = transport;
            return this;
        }

        /** Sets the number of sending sockets (1 to 64), i.e. of distinct outer source ports; 8 by default. */
        public Builder sourcePorts(int count) {
            if (count < 1 || count > 64) {
                throw new IllegalArgumentException("source ports " + count + " is outside 1..64");
            }
            this.sourcePorts = count;
            return this;
        }

        /** Turns UDP GSO sends on (the default, where supported) or off. */
        public Builder udpGso(boolean enabled) {
            this.udpGso = enabled;
            return this;
        }

        /** Turns UDP GRO receives on (the default, where supported) or off. */
        public Builder udpGro(boolean enabled) {
            this.udpGro = enabled;
            return this;
        }

        /**
         * Sets the nice value of the event loop's thread, -20 to 19; below 0 needs
         * CAP_SYS_NICE, and without it the loop runs at the default and says so in the log.
         */
        public Builder threadNice(int nice) {
            if (nice < -20 || nice > 19) {
                throw new IllegalArgumentException("nice " + nice + " is outside -20..19");
            }
            this.threadNice = nice;
            return this;
        }

        /**
         * Runs the data path on {@code cpus}, an event loop pinned to each (see
         * {@link #loops}), or on one loop on any CPU with {@code null} (the default); see
         * docs/overlay-data-path.md for what each gives and costs.
         */
        public Builder cpus(CpuSet cpus) {
            this.cpus = cpus;
            return this;
        }

        /**
         * Runs the data path, when {@link #cpus} names CPUs, on one event loop per CPU (0, the
         * default: each pinned to its CPU, with a TAP queue and a socket the kernel steers by
         * CPU, see docs/overlay-data-path.md) or on a single one pinned to them all (1).
         * Without named CPUs there is one loop, on any CPU.
         *
         * @throws IllegalArgumentException for anything else
         */
        public Builder loops(int loops) {
            if (loops != 0 && loops != 1) {
                throw new IllegalArgumentException("loops " + loops + ": 0 (one per CPU) or 1");
            }
            this.loops = loops;
            return this;
        }

        /**
         * Sets the packets a second (in, out and local) above which a VTEP of several loops
         * gathers everything on the first; {@value SteeringGovernor#GATHER_ABOVE} by default.
         *
         * @throws IllegalArgumentException below 2 (half of it must be a rate)
         */
        public Builder gatherAbove(long packetsPerSecond) {
            if (packetsPerSecond < 2) {
                throw new IllegalArgumentException("gather threshold " + packetsPerSecond + " packets/s < 2");
            }
            this.gatherAbove = packetsPerSecond;
            return this;
        }

        /** Sets the load balancer's conntrack size and timeouts; {@link LbConfig#DEFAULT} by default. */
        public Builder loadBalancer(LbConfig config) {
            if (config == null) {
                throw new IllegalArgumentException("load balancer config is null");
            }
            this.loadBalancer = config;
            return this;
        }

        public VtepConfig build() {
            return new VtepConfig(this);
        }
    }
}
