package io.swarmnet.control.node;

import io.swarmnet.control.model.Node;
import io.swarmnet.control.store.Lease;
import io.swarmnet.control.store.LeaseListener;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent run's presence in the registry: registers the node with a lease, keeps the
 * lease alive, registers again with a fresh lease whenever the old one is lost (a store
 * outage longer than the TTL), and revokes it on close so the node shows down at once.
 */
public final class NodeSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeSession.class);
    private static final long RETRY_MIN_MS = 1_000;
    private static final long RETRY_MAX_MS = 10_000;

    private final Store store;
    private final NodeRegistry registry;
    private final Node node;
    private final Duration ttl;
    private final Runnable onKeepAlive;
    private final ScheduledExecutorService executor;
    private volatile Lease lease;
    private volatile Node registered;
    private volatile boolean closed;
    // Touched only on the executor thread.
    private long retryMillis = RETRY_MIN_MS;

    /**
     * @param onKeepAlive runs after each answered keep-alive, on the store's event thread
     */
    public NodeSession(Store store, Node node, Duration ttl, Runnable onKeepAlive) {
        this.store = store;
        this.registry = new NodeRegistry(store);
        this.node = node;
        this.ttl = ttl;
        this.onKeepAlive = onKeepAlive;
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "swarmnet-node-session");
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.executor = ex;
    }

    /**
     * Registers the node and starts keeping it alive.
     *
     * @return the record as stored (its availability is the operator's, kept from before)
     * @throws StoreException when the store cannot be reached or refuses the registration
     */
    public Node start() {
        register();
        return registered;
    }

    /** Whether the node is registered and its lease was alive at the last keep-alive. */
    public boolean healthy() {
        Lease l = lease;
        return !closed && l != null && l.alive();
    }

    public Node node() {
        Node r = registered;
        return r != null ? r : node;
    }

    private void register() {
        Lease granted = store.grant(ttl, new Listener());
        try {
            registered = registry.register(node, granted.id());
        } catch (RuntimeException e) {
            granted.close();
            throw e;
        }
        lease = granted;
    }

    private void registerAgain() {
        if (closed) {
            return;
        }
        try {
            register();
            retryMillis = RETRY_MIN_MS;
            LOG.info("node {} registered again with a new lease", node.id());
        } catch (StoreException e) {
            LOG.warn("node {} could not register again, retrying in {} ms: {}", node.id(), retryMillis, e.getMessage());
            schedule(this::registerAgain, retryMillis);
            retryMillis = Math.min(retryMillis * 2, RETRY_MAX_MS);
        }
    }

    private void schedule(Runnable task, long delayMillis) {
        if (!closed) {
            executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Revokes the lease, so the node shows down at once, and stops. Bounded by the store's
     * request timeout; when the store is unreachable the node shows down after the TTL.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Lease l = lease;
        if (l == null) {
            return;
        }
        if (!l.alive()) {
            // The store did not answer the last keep-alive: a revoke would only wait out the
            // request timeout and keep a stopping agent from exiting.
            LOG.info("node {}: store unreachable, not revoking its lease; it shows down within {} s", node.id(), l.ttl().toSeconds());
            l.close();
            return;
        }
        try {
            l.revoke();
        } catch (StoreException e) {
            LOG.warn("node {} could not revoke its lease; it shows down within {} s: {}",
                    node.id(), l.ttl().toSeconds(), e.getMessage());
            l.close();
        }
    }

    /** Follows one lease: logs reachability changes once each and registers again when it expires. */
    private final class Listener implements LeaseListener {
        private boolean unreachable;

        @Override
        public void onKeepAlive(long ttlSeconds) {
            if (unreachable) {
                unreachable = false;
                LOG.info("node {}: store reachable again", node.id());
            }
            onKeepAlive.run();
        }

        @Override
        public void onUnreachable(Throwable cause) {
            if (!unreachable && !closed) {
                unreachable = true;
                LOG.warn("node {}: cannot keep its lease alive, store unreachable: {}", node.id(), cause.getMessage());
            }
        }

        @Override
        public void onExpired() {
            if (closed) {
                return;
            }
            LOG.warn("node {}: its lease expired, the cluster sees it down; registering again", node.id());
            schedule(NodeSession.this::registerAgain, 0);
        }
    }
}
