package io.swarmnet.node.daemon;

import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.dns.DnsConfig;
import io.swarmnet.dns.ResolvConf;
import io.swarmnet.gwbridge.GwBridgeConfig;
import io.swarmnet.gwbridge.GwBridgeConfigException;
import io.swarmnet.lb.LbConfig;
import io.swarmnet.node.command.AddressLiterals;
import io.swarmnet.node.command.LogLevels;
import io.swarmnet.sys.CpuSet;
import io.swarmnet.sys.Resource;
import io.swarmnet.vxlan.vtep.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code swarmnet agent}: runs the node agent daemon until SIGTERM or SIGINT. */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Run the node agent: registers this host as a node of the cluster whose managers"
                + " run the etcd given by --store (without it, of this host's embedded store), and serves"
                + " /metrics and /healthz on --metrics-addr.")
public final class AgentCommand implements Callable<Integer> {
    static final int MIN_DATA_PATH_PORT = 1024;
    static final int MAX_DATA_PATH_PORT = 49151;
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,252})?");

    @Spec
    private CommandSpec spec;

    @Option(names = "--hostname", paramLabel = "NAME",
            description = "The node's name (default: the host's name).")
    private String hostname;

    @Option(names = "--advertise-addr", paramLabel = "IP", required = true,
            description = "The IP address other nodes reach this one at; also the VXLAN underlay address.")
    private String advertiseAddr;

    @Option(names = "--data-path-port", paramLabel = "PORT", defaultValue = "4789",
            description = "UDP port of the VXLAN data path, 1024-49151 (default: ${DEFAULT-VALUE}).")
    private int dataPathPort;

    @Option(names = "--data-path-transport", paramLabel = "epoll|io_uring", defaultValue = "epoll",
            description = "Netty transport of the VXLAN data path: epoll, or io_uring where the kernel"
                    + " allows it (default: ${DEFAULT-VALUE}).")
    private String dataPathTransport;

    @Option(names = "--data-path-cpus", paramLabel = "LIST",
            description = "CPUs of the VXLAN data path, as taskset -c writes them, e.g. 3 or 2-3: an event loop"
                    + " pinned to each, with that CPU's TAP queue and socket (epoll), while traffic is light;"
                    + " heavy traffic is gathered on the first loop. One CPU: one loop pinned there. See"
                    + " docs/overlay-data-path.md (default: every CPU this agent may run on).")
    private String dataPathCpus;

    @Option(names = "--store", paramLabel = "etcd://HOST:PORT[,HOST:PORT...]",
            description = "The managers' etcd endpoints (default: the embedded single-host store under --data-root).")
    private String store;

    @Option(names = "--metrics-addr", paramLabel = "IP:PORT", defaultValue = "127.0.0.1:9323",
            description = "Where to serve /metrics and /healthz (default: ${DEFAULT-VALUE}).")
    private String metricsAddr;

    @Option(names = "--data-root", paramLabel = "DIR", defaultValue = "/var/lib/swarmnet",
            description = "Where the node keeps its state: its id and the local API socket api.sock"
                    + " (default: ${DEFAULT-VALUE}).")
    private Path dataRoot;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "trace, debug, info, warn or error (default: ${DEFAULT-VALUE}).")
    private String logLevel;

    @Option(names = "--node-ttl", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long the node stays ready after its agent stops answering, 2-3600 (default: ${DEFAULT-VALUE}).")
    private int nodeTtlSeconds;

    @Option(names = "--store-timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "Bound on connecting to the store and on each request, 1-300 (default: ${DEFAULT-VALUE}).")
    private int storeTimeoutSeconds;

    @Option(names = "--gwbridge-pool", paramLabel = "CIDR", defaultValue = GwBridgeConfig.DEFAULT_POOL,
            description = "Address pool of docker_gwbridge, the tasks' egress network (default: ${DEFAULT-VALUE}).")
    private String gwbridgePool;

    @Option(names = "--cleanup",
            description = "When the agent stops (SIGTERM, SIGINT), remove everything it made on this node:"
                    + " the tasks' overlay TAPs and eth1, docker_gwbridge, the nftables table swarmnet_gwbridge,"
                    + " the VXLAN socket and the data-plane state under --data-root. The node id and the"
                    + " embedded store stay. Without it, a stop leaves egress working and a restart"
                    + " re-attaches the same tasks.")
    private boolean cleanup;

    @Option(names = "--lb-conntrack-max", paramLabel = "FLOWS", defaultValue = "65536",
            description = "Most connections the service load balancer tracks at once, 16-16777216; when full,"
                    + " new flows to a VIP are dropped and counted (default: ${DEFAULT-VALUE}).")
    private int lbConntrackMax;

    @Option(names = "--lb-tcp-established-timeout", paramLabel = "SECONDS", defaultValue = "7200",
            description = "How long an established TCP connection through a VIP may be idle, 1-2592000"
                    + " (default: ${DEFAULT-VALUE}, the kernel's TCP keepalive time; Docker's 900 breaks idle connections).")
    private int lbTcpEstablishedSeconds;

    @Option(names = "--lb-tcp-syn-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long a TCP handshake through a VIP may take (default: ${DEFAULT-VALUE}).")
    private int lbTcpSynSeconds;

    @Option(names = "--lb-tcp-fin-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long a TCP connection through a VIP is kept after its first FIN (default: ${DEFAULT-VALUE}).")
    private int lbTcpFinSeconds;

    @Option(names = "--lb-tcp-close-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long a TCP connection through a VIP is kept after a RST or both FINs (default: ${DEFAULT-VALUE}).")
    private int lbTcpCloseSeconds;

    @Option(names = "--lb-udp-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long a UDP flow through a VIP may be idle (default: ${DEFAULT-VALUE}).")
    private int lbUdpSeconds;

    @Option(names = "--dns-upstream", paramLabel = "IP[:PORT]",
            description = "An upstream resolver for names that are not the cluster's; repeat for up to 3,"
                    + " tried in order (default: the nameservers of this host's /etc/resolv.conf).")
    private List<String> dnsUpstreams;

    @Option(names = "--dns-ttl", paramLabel = "SECONDS", defaultValue = "" + DnsConfig.DEFAULT_TTL_SECONDS,
            description = "TTL of the embedded resolver's answers for service and task names, 0-3600"
                    + " (default: ${DEFAULT-VALUE}).")
    private int dnsTtlSeconds;

    @Option(names = "--docker-host", paramLabel = "unix:///PATH|tcp://HOST:PORT|none",
            defaultValue = "unix:///var/run/docker.sock",
            description = "The Docker engine that runs the container tasks placed on this node; none runs none"
                    + " (default: ${DEFAULT-VALUE}).")
    private String dockerHost;

    @Option(names = "--web",
            description = "Also serve a read-only live view of the cluster (nodes, tasks, services, networks, traffic)"
                    + " at /ui/ on --metrics-addr; off by default.")
    private boolean web;

    @Override
    public Integer call() {
        AgentConfig config = config();
        Agent agent = Agent.start(config);
        // The JVM turns SIGTERM and SIGINT into running shutdown hooks; this one stops the
        // agent cleanly and then ends the JVM with 0, as dockerd exits after a clean stop,
        // rather than the 143 the JVM would report.
        Thread hook = new Thread(() -> {
            agent.stop();
            System.err.flush();
            Runtime.getRuntime().halt(0);
        }, "swarmnet-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            agent.awaitStopped();
        } catch (InterruptedException e) {
            // Stopping the thread that runs the command (in-process use, tests) stops the agent.
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down; the hook is stopping the agent.
            }
            // Cleanup must not trip over the interrupt that asked for it.
            boolean interrupted = Thread.interrupted();
            agent.stop();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }

    /** Validates every flag before anything starts, so a bad one costs nothing to undo. */
    AgentConfig config() {
        StoreAddress storeAddress = store == null ? null : parse("--store", store, StoreAddress::parse);
        InetAddress advertise = parse("--advertise-addr", advertiseAddr, AddressLiterals::parseIp);
        if (advertise.isAnyLocalAddress() || advertise.isMulticastAddress()) {
            throw usage("--advertise-addr " + advertiseAddr + " is not an address other nodes can reach");
        }
        if (dataPathPort < MIN_DATA_PATH_PORT || dataPathPort > MAX_DATA_PATH_PORT) {
            throw usage("--data-path-port " + dataPathPort + " is out of range: it must be "
                    + MIN_DATA_PATH_PORT + "-" + MAX_DATA_PATH_PORT);
        }
        Transport transport = parse("--data-path-transport", dataPathTransport, Transport::fromFlag);
        if (!transport.isAvailable()) {
            Throwable cause = transport.unavailabilityCause();
            throw usage("--data-path-transport " + transport.flagValue() + " is not available on this host: "
                    + (cause == null ? "unknown cause" : cause.getMessage()));
        }
        CpuSet allowed = allowedCpus();
        CpuSet cpus = dataPathCpus == null ? allowed : parse("--data-path-cpus", dataPathCpus, CpuSet::parse);
        if (dataPathCpus != null && !cpus.isSubsetOf(allowed)) {
            throw usage("--data-path-cpus " + dataPathCpus + ": this agent may run on CPUs " + allowed + " only");
        }
        InetSocketAddress metrics = parse("--metrics-addr", metricsAddr, AddressLiterals::parseIpPort);
        String name = hostname != null ? hostname : osHostname();
        if (!HOSTNAME.matcher(name).matches()) {
            throw usage("--hostname '" + name + "' is not a valid host name");
        }
        if (nodeTtlSeconds < 2 || nodeTtlSeconds > 3600) {
            throw usage("--node-ttl " + nodeTtlSeconds + " is out of range: it must be 2-3600 seconds");
        }
        if (storeTimeoutSeconds < 1 || storeTimeoutSeconds > 300) {
            throw usage("--store-timeout " + storeTimeoutSeconds + " is out of range: it must be 1-300 seconds");
        }
        try {
            GwBridgeConfig.parse(gwbridgePool, null, dataRoot);
        } catch (GwBridgeConfigException e) {
            throw usage("invalid --gwbridge-pool: " + e.getMessage());
        }
        parse("--log-level", logLevel, level -> {
            LogLevels.apply(level);
            return level;
        });
        LbConfig loadBalancer = parse("--lb-* flag", "", unused -> LbConfig.builder()
                .conntrackMax(lbConntrackMax)
                .tcpEstablishedTimeout(Duration.ofSeconds(lbTcpEstablishedSeconds))
                .tcpSynTimeout(Duration.ofSeconds(lbTcpSynSeconds))
                .tcpFinTimeout(Duration.ofSeconds(lbTcpFinSeconds))
                .tcpCloseTimeout(Duration.ofSeconds(lbTcpCloseSeconds))
                .udpTimeout(Duration.ofSeconds(lbUdpSeconds))
                .build());
        return new AgentConfig(name, advertise, dataPathPort, transport, cpus, storeAddress, metrics, dataRoot,
                Duration.ofSeconds(nodeTtlSeconds), Duration.ofSeconds(storeTimeoutSeconds), gwbridgePool, cleanup,
                loadBalancer, dnsConfig(), web, dockerHost());
    }

    /** The engine's address, or null for none. */
    private String dockerHost() {
        if (dockerHost.equals("none")) {
            return null;
        }
        boolean unix = dockerHost.startsWith("unix:///") && dockerHost.length() > "unix:///".length();
        boolean tcp = dockerHost.matches("tcp://[^/\\s]+:[0-9]{1,5}");
        if (!unix && !tcp) {
            throw usage("invalid --docker-host '" + dockerHost + "': use unix:///PATH, tcp://HOST:PORT or none");
        }
        return dockerHost;
    }

    private DnsConfig dnsConfig() {
        if (dnsTtlSeconds < 0 || dnsTtlSeconds > 3600) {
            throw usage("--dns-ttl " + dnsTtlSeconds + " is out of range: it must be 0-3600 seconds");
        }
        List<InetSocketAddress> upstreams = new ArrayList<>();
        if (dnsUpstreams == null) {
            try {
                upstreams.addAll(ResolvConf.nameservers(ResolvConf.HOST));
            } catch (IOException e) {
                throw usage("cannot read " + ResolvConf.HOST + " for the DNS upstreams (" + e.getMessage()
                        + "); give them with --dns-upstream");
            }
        } else {
            if (dnsUpstreams.size() > DnsConfig.MAX_UPSTREAMS) {
                throw usage(dnsUpstreams.size() + " --dns-upstream given: at most " + DnsConfig.MAX_UPSTREAMS);
            }
            for (String u : dnsUpstreams) {
                upstreams.add(parse("--dns-upstream", u, AgentCommand::dnsUpstream));
            }
        }
        return new DnsConfig(dnsTtlSeconds, upstreams, DnsConfig.DEFAULT_UPSTREAM_TIMEOUT, DnsConfig.DEFAULT_MAX_FORWARDED);
    }

    /** {@code IP}, {@code IPv4:PORT} or {@code [IPv6]:PORT}; port 53 when none is given. */
    static InetSocketAddress dnsUpstream(String text) {
        long colons = text.chars().filter(c -> c == ':').count();
        if (text.startsWith("[") || colons == 1) {
            InetSocketAddress a = AddressLiterals.parseIpPort(text);
            if (a.getPort() == 0) {
                throw new IllegalArgumentException("'" + text + "' has port 0");
            }
            return a;
        }
        return new InetSocketAddress(AddressLiterals.parseIp(text), 53);
    }

    private interface Parser<T> {
        T parse(String text);
    }

    private <T> T parse(String flag, String text, Parser<T> parser) {
        try {
            return parser.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage("invalid " + flag + ": " + e.getMessage());
        }
    }

    private CpuSet allowedCpus() {
        try {
            return Resource.threadAffinity();
        } catch (IOException e) {
            throw usage("--data-path-cpus: cannot read which CPUs this agent may run on: " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The kernel's host name, read without a DNS lookup (InetAddress.getLocalHost may do one). */
    private static String osHostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException e) {
            // Not Linux, or no /proc: fall through to the environment.
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env.strip() : "localhost";
    }
}
