package io.swarmnet.node.daemon;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.swarmnet.control.cluster.ClusterSnapshot;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.node.NodeId;
import io.swarmnet.control.node.NodeRegistry;
import io.swarmnet.control.node.NodeSession;
import io.swarmnet.control.store.EmbeddedStore;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreException;
import io.swarmnet.control.tables.DesiredTablesPublisher;
import io.swarmnet.control.view.ClusterViewListener;
import io.swarmnet.control.watch.ClusterWatcher;
import io.swarmnet.gwbridge.GwBridgeConfigException;
import io.swarmnet.node.api.ApiServer;
import io.swarmnet.node.command.UserException;
import io.swarmnet.node.dns.DnsMetrics;
import io.swarmnet.node.dns.TaskResolvers;
import io.swarmnet.node.overlay.GwBridgePoolCheck;
import io.swarmnet.node.overlay.LbMetrics;
import io.swarmnet.node.overlay.OverlayDataPlane;
import io.swarmnet.node.overlay.OverlayMetrics;
import io.swarmnet.node.overlay.OverlayTablesMapper;
import io.swarmnet.node.overlay.UnderlayMtu;
import io.swarmnet.node.task.DockerTaskRuntime;
import io.swarmnet.node.task.LocalTaskNetwork;
import io.swarmnet.node.task.StoreTaskReporter;
import io.swarmnet.node.task.TaskLauncher;
import io.swarmnet.node.task.TaskWorker;
import io.swarmnet.node.web.WebView;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.vxlan.vtep.Vtep;
import io.swarmnet.vxlan.vtep.VtepConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node agent: its store connection, its registration in the node registry,
 * and its metrics endpoint. Started whole or not at all; stopped once.
 */
public final class Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    // gRPC (under jetcd) logs through java.util.logging, which prints INFO chatter to stderr
    // in two-line records; keep it to warnings like io.grpc in logback.xml. JUL holds
    // loggers weakly, hence the field.
    private static final java.util.logging.Logger GRPC_JUL = java.util.logging.Logger.getLogger("io.grpc");

    static {
        GRPC_JUL.setLevel(java.util.logging.Level.WARNING);
    }

    /** How long an attach waits for this node's view to catch up with a task just created. */
    private static final Duration ATTACH_WAIT = Duration.ofSeconds(5);
    /** How often the agent checks that its rules stand in Docker's DOCKER-USER chain. */
    private static final Duration FIREWALL_CHECK = Duration.ofSeconds(5);

    private final Store store;
    private final NodeSession session;
    private final HttpMetricsServer server;
    private final ApiServer api;
    private final ClusterWatcher watcher;
    private final OverlayDataPlane dataPlane;
    private final TaskWorker worker;
    private final ScheduledExecutorService firewall;
    private final Node node;
    private final boolean cleanup;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Agent(Store store, NodeSession session, HttpMetricsServer server, ApiServer api, ClusterWatcher watcher,
                  OverlayDataPlane dataPlane, TaskWorker worker, ScheduledExecutorService firewall, Node node,
                  boolean cleanup) {
        this.store = store;
        this.session = session;
        this.server = server;
        this.api = api;
        this.watcher = watcher;
        this.dataPlane = dataPlane;
        this.worker = worker;
        this.firewall = firewall;
        this.node = node;
        this.cleanup = cleanup;
    }

    /**
     * Connects to the store, serves metrics and registers the node.
     *
     * @throws UserException with one line saying what failed, after undoing what had started
     */
    public static Agent start(AgentConfig config) {
        String nodeId;
        try {
            nodeId = NodeId.loadOrCreate(config.dataRoot());
        } catch (IOException e) {
            throw new UserException("cannot keep the node id under --data-root " + config.dataRoot() + ": " + describe(e), e);
        }
        Store store;
        try {
            store = config.store() == null
                    ? EmbeddedStore.open(config.dataRoot().resolve(EmbeddedStore.DIRECTORY), config.storeTimeout())
                    : EtcdStore.connect(config.store(), config.storeTimeout());
        } catch (StoreException e) {
            throw new UserException(e.getMessage(), e);
        }
        HttpMetricsServer server = null;
        NodeSession session = null;
        ApiServer api = null;
        ClusterWatcher watcher = new ClusterWatcher(store);
        OverlayDataPlane dataPlane = null;
        TaskWorker worker = null;
        AtomicBoolean started = new AtomicBoolean();
        try {
            String advertise = config.advertiseAddr().getHostAddress();
            // The host that holds the embedded store is its cluster's one manager, as the
            // host that ran 'docker swarm init' is.
            NodeRole role = store instanceof EmbeddedStore ? NodeRole.MANAGER
                    : NodeRegistry.roleFor(advertise, store.memberClientUrls());
            AgentMetrics metrics = new AgentMetrics();
            NodeSession s = new NodeSession(store, Node.of(nodeId, config.hostname(), role, advertise),
                    config.nodeTtl(), metrics::leaseKeptAlive);
            session = s;
            try {
                // Healthy only once every part is up: the lab and operators wait on /healthz
                // before using the API socket, which is bound last.
                server = HttpMetricsServer.bind(config.metricsAddr(), metrics.registry(),
                        () -> started.get() && s.healthy(), config.web() ? webView(config, nodeId, watcher, metrics) : null);
            } catch (IOException e) {
                throw new UserException("cannot serve metrics on --metrics-addr " + hostPort(config.metricsAddr()) + ": " + e.getMessage(), e);
            }
            Node registered = session.start();
            metrics.nodeInfo(nodeId, registered.hostname(), registered.role().label());
            DesiredTablesPublisher publisher = new DesiredTablesPublisher(nodeId);
            dataPlane = startDataPlane(config, nodeId, watcher, publisher, store);
            OverlayDataPlane plane = dataPlane;
            worker = taskWorker(config, nodeId, plane, store);
            TaskWorker tasks = worker;
            ClusterViewListener tables = plane != null ? plane.viewListener() : publisher;
            // One listener, so the order is in the code, not in the order of registration: the
            // data plane's rebuilds the tables from each update before it reconciles from them,
            // and the worker, which starts the tasks' processes, hears of the update last.
            watcher.addListener(update -> {
                tables.onUpdate(update);
                if (tasks != null) {
                    tasks.onView(update.current());
                }
            });
            if (dataPlane != null) {
                OverlayMetrics.register(metrics.registry(), plane);
                LbMetrics.register(metrics.registry(), plane);
                DnsMetrics.register(metrics.registry(), plane.resolvers());
            }
            OverlayMetrics.register(metrics.registry(), watcher.metrics());
            watcher.start();
            try {
                api = ApiServer.bind(config.apiSocket(), AgentApi.routes(registered, config, dataPlane));
            } catch (IOException e) {
                throw new UserException(e.getMessage(), e);
            }
            LOG.info("swarmnet agent started: node {} ({}) role={} availability={} advertise-addr={} data-path-port={} "
                            + "metrics=http://{} api=unix://{} store={} data-root={}",
                    nodeId, registered.hostname(), registered.role().label(), registered.availability().label(),
                    advertise, config.dataPathPort(), hostPort(server.localAddress()), api.socket(), store.address(),
                    config.dataRoot());
            if (worker != null) {
                worker.start();
            }
            ScheduledExecutorService firewall = null;
            if (dataPlane != null) {
                DockerUserRules rules = new DockerUserRules();
                firewall = Executors.newSingleThreadScheduledExecutor(daemonThreads("swarmnet-docker-firewall"));
                firewall.scheduleWithFixedDelay(rules::ensure, 0, FIREWALL_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            }
            started.set(true);
            return new Agent(store, session, server, api, watcher, dataPlane, worker, firewall, registered,
                    config.cleanup());
        } catch (StoreException e) {
            closeAll(api, worker, dataPlane, watcher, session, server, store);
            throw new UserException(e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(api, worker, dataPlane, watcher, session, server, store);
            throw e;
        }
    }

    /**
     * The worker that runs the container tasks placed on this node through its Docker
     * engine, or null when there is no engine to use ({@code --docker-host none}) or no
     * data plane to give the tasks a network. An engine that does not answer yet is no
     * reason not to start: its tasks fail with Docker's error until it does.
     */
    private static TaskWorker taskWorker(AgentConfig config, String nodeId, OverlayDataPlane plane, Store store) {
        if (config.dockerHost() == null) {
            LOG.info("no container tasks on this node: --docker-host none");
            return null;
        }
        if (plane == null) {
            LOG.warn("no container tasks on this node: they need the overlay data plane for their network");
            return null;
        }
        DockerTaskRuntime runtime;
        try {
            runtime = DockerTaskRuntime.connect(config.dockerHost(), nodeId, config.dataRoot().resolve("tasks"));
        } catch (IOException | RuntimeException e) {
            throw new UserException("cannot use --docker-host " + config.dockerHost() + ": " + e.getMessage(), e);
        }
        try {
            runtime.ping();
            LOG.info("container tasks run on the Docker engine at {}", config.dockerHost());
        } catch (IOException e) {
            LOG.warn("{}: container tasks placed on this node fail until it answers (--docker-host none runs none)",
                    e.getMessage());
        }
        TaskLauncher launcher = new TaskLauncher(runtime, new LocalTaskNetwork(plane), "");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("swarmnet-tasks"));
        ExecutorService operations = Executors.newFixedThreadPool(4, daemonThreads("swarmnet-task-op"));
        return new TaskWorker(nodeId, launcher, new StoreTaskReporter(store), scheduler, operations,
                System::currentTimeMillis);
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static WebView webView(AgentConfig config, String nodeId, ClusterWatcher watcher, AgentMetrics metrics) {
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        return new WebView(watcher::view, nodeId, () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                writer.write(out, metrics.registry().scrape());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString(StandardCharsets.UTF_8);
        }, config.metricsAddr().getPort());
    }

    /**
     * Binds the VTEP on the advertise address and starts the overlay data plane, or returns
     * null when the advertise address cannot be an underlay (loopback, IPv6): the agent then
     * serves the control plane only, as the single-host tests run it.
     */
    private static OverlayDataPlane startDataPlane(AgentConfig config, String nodeId, ClusterWatcher watcher,
                                                   DesiredTablesPublisher publisher, Store store) {
        InetAddress advertise = config.advertiseAddr();
        if (!(advertise instanceof Inet4Address) || advertise.isLoopbackAddress()) {
            LOG.warn("no overlay data plane: --advertise-addr {} is not an IPv4 underlay address other nodes can reach",
                    advertise.getHostAddress());
            return null;
        }
        // Before anything is made on the node: a refused pool leaves nothing to undo.
        GwBridgePoolCheck.conflict(config.gwbridgePool(), ClusterSnapshot.read(store).networks()).ifPresent(why -> {
            throw new UserException(why);
        });
        int address = Ipv4Address.parse(advertise.getHostAddress());
        int underlayMtu;
        try {
            underlayMtu = UnderlayMtu.of(address).orElseThrow(() -> new UserException(
                    "--advertise-addr " + advertise.getHostAddress() + " is not an address of this host's interfaces"));
        } catch (IOException e) {
            throw new UserException("cannot read this host's interfaces: " + e.getMessage(), e);
        }
        Vtep vtep;
        try {
            vtep = Vtep.create(VtepConfig.builder(address).dataPathPort(config.dataPathPort())
                    .transport(config.dataPathTransport()).cpus(config.dataPathCpus())
                    .loadBalancer(config.loadBalancer()).build());
        } catch (IllegalStateException e) {
            throw new UserException("cannot start the VXLAN data path: " + e.getMessage(), e);
        }
        TaskResolvers resolvers = null;
        boolean success = false;
        try {
            try {
                vtep.bind();
            } catch (IOException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                // Docker's swarm mode binds its kernel vxlan to UDP 4789 on every node of a swarm.
                String hint = why.contains("in use") ? " (a swarm-mode dockerd holds UDP " + config.dataPathPort()
                        + " on a swarm's nodes: run 'docker swarm leave' there, or give swarmnet another port with"
                        + " --data-path-port)" : "";
                throw new UserException("cannot bind the VXLAN data path on " + advertise.getHostAddress() + ":"
                        + config.dataPathPort() + ": " + why + hint, e);
            }
            resolvers = new TaskResolvers(config.dns());
            OverlayDataPlane plane;
            try {
                plane = OverlayDataPlane.start(nodeId, vtep, underlayMtu, config.gwbridgePool(),
                        config.dataRoot().resolve("overlay"), watcher, publisher, store, ATTACH_WAIT, resolvers);
            } catch (GwBridgeConfigException e) {
                // The configuration and the node disagree: the message says how, for the operator.
                throw new UserException(e.getMessage(), e);
            } catch (IOException e) {
                throw new UserException("cannot start the gwbridge: " + e.getMessage(), e);
            }
            LOG.info("overlay data plane: VTEP {}, underlay MTU {}, overlay MTU {} by default",
                    vtep.localAddress(), underlayMtu, underlayMtu - OverlayTablesMapper.VXLAN_OVERHEAD);
            LOG.info("embedded DNS at 127.0.0.11 in every task: TTL {}s, upstreams {}", config.dns().ttlSeconds(),
                    config.dns().upstreams().isEmpty() ? "none (external names get SERVFAIL)" : config.dns().upstreams());
            success = true;
            return plane;
        } finally {
            if (!success) {
                if (resolvers != null) {
                    resolvers.close();
                }
                try {
                    vtep.close();
                } catch (IOException e) {
                    LOG.warn("closing the VTEP: {}", e.toString());
                }
            }
        }
    }

    private static void closeAll(ApiServer api, TaskWorker worker, OverlayDataPlane dataPlane, ClusterWatcher watcher,
                                 NodeSession session, HttpMetricsServer server, Store store) {
        if (api != null) {
            api.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (dataPlane != null) {
            dataPlane.close();
        }
        watcher.close();
        if (session != null) {
            session.close();
        }
        if (server != null) {
            server.close();
        }
        store.close();
    }

    public Node node() {
        return node;
    }

    /** Whether the node's store session is alive, as /healthz reports it. */
    public boolean healthy() {
        return session.healthy();
    }

    public Path apiSocket() {
        return api.socket();
    }

    public InetSocketAddress metricsAddress() {
        return server.localAddress();
    }

    /**
     * Revokes the node's lease so the cluster sees it down at once, then stops serving and
     * disconnects; with {@code --cleanup}, removes what the data plane made on the node.
     * Safe to call from several threads; every caller returns once stopped.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStoppedQuietly();
            return;
        }
        try {
            api.close();
            if (firewall != null) {
                firewall.shutdownNow();
                if (cleanup) {
                    new DockerUserRules().remove();
                }
            }
            if (worker != null) {
                if (cleanup) {
                    worker.removeAll();
                }
                worker.close();
            }
            if (dataPlane != null && cleanup) {
                dataPlane.cleanup();
            } else if (dataPlane != null) {
                dataPlane.close();
            }
            watcher.close();
            session.close();
            server.close();
            store.close();
            LOG.info("swarmnet agent stopped: node {} ({})", node.id(), node.hostname());
        } finally {
            stopped.countDown();
        }
    }

    /** Blocks until {@link #stop()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void awaitStoppedQuietly() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    stopped.await(10, TimeUnit.SECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** One clause for a file system failure; Java's own messages are just the path. */
    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied on " + e.getMessage();
        }
        if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException) {
            return e.getMessage() + " is not a directory";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getFile() + ": " + fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
