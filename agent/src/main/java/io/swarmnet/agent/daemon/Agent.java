package io.swarmnet.agent.daemon;

import io.swarmnet.agent.cli.UserException;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.node.NodeId;
import io.swarmnet.control.node.NodeRegistry;
import io.swarmnet.control.node.NodeSession;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private final Store store;
    private final NodeSession session;
    private final HttpMetricsServer server;
    private final Node node;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Agent(Store store, NodeSession session, HttpMetricsServer server, Node node) {
        this.store = store;
        this.session = session;
        this.server = server;
        this.node = node;
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
            store = EtcdStore.connect(config.store(), config.storeTimeout());
        } catch (StoreException e) {
            throw new UserException(e.getMessage(), e);
        }
        HttpMetricsServer server = null;
        NodeSession session = null;
        try {
            String advertise = config.advertiseAddr().getHostAddress();
            NodeRole role = NodeRegistry.roleFor(advertise, store.memberClientUrls());
            AgentMetrics metrics = new AgentMetrics();
            NodeSession s = new NodeSession(store, Node.of(nodeId, config.hostname(), role, advertise),
                    config.nodeTtl(), metrics::leaseKeptAlive);
            session = s;
            try {
                server = HttpMetricsServer.bind(config.metricsAddr(), metrics.registry(), s::healthy);
            } catch (IOException e) {
                throw new UserException("cannot serve metrics on --metrics-addr " + hostPort(config.metricsAddr()) + ": " + e.getMessage(), e);
            }
            Node registered = session.start();
            metrics.nodeInfo(nodeId, registered.hostname(), registered.role().label());
            LOG.info("swarmnet agent started: node {} ({}) role={} availability={} advertise-addr={} data-path-port={} "
                            + "metrics=http://{} store={} data-root={}",
                    nodeId, registered.hostname(), registered.role().label(), registered.availability().label(),
                    advertise, config.dataPathPort(), hostPort(server.localAddress()), store.address(), config.dataRoot());
            return new Agent(store, session, server, registered);
        } catch (StoreException e) {
            closeAll(session, server, store);
            throw new UserException(e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(session, server, store);
            throw e;
        }
    }

    private static void closeAll(NodeSession session, HttpMetricsServer server, Store store) {
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

    public InetSocketAddress metricsAddress() {
        return server.localAddress();
    }

    /**
     * Revokes the node's lease so the cluster sees it down at once, then stops serving and
     * disconnects. Safe to call from several threads; every caller returns once stopped.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStoppedQuietly();
            return;
        }
        try {
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
