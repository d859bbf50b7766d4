package io.swarmnet.node.mesh;

import io.swarmnet.control.cluster.ClusterStore;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.tables.DesiredTables;
import io.swarmnet.control.tables.LocalNetwork;
import io.swarmnet.control.tables.PortKey;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.node.overlay.LocalPort;
import io.swarmnet.packet.Ipv4Address;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's routing mesh: its ingress endpoint (asked of the control plane once, then a
 * TAP on the ingress network), the {@link MeshTable} that DNATs published ports, and the
 * PROXY protocol forwarders of the ports that want the client's address in a header.
 *
 * <p>Driven by the data-plane reconciler, under its lock: {@link #reconcile} is idempotent
 * and cheap when nothing changed (the table is rewritten only when its text differs), and
 * a failure is logged, reported, and retried at the next call while the kernel keeps the
 * last table.
 */
public final class RoutingMesh implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingMesh.class);
    private static final long RETRY_PAUSE_MS = 1000;

    private final String nodeId;
    private final MeshKernel kernel;
    private final ClusterStore cluster;
    private final boolean viaVip;
    private final int defaultMtu;
    private final ExecutorService allocator;
    private final AtomicBoolean allocating = new AtomicBoolean();
    private final ProxyForwarders proxies;
    private IngressEndpoint endpoint;
    private String applied;
    /** The last failure logged, so a lasting one (no libnftables, say) is logged once, not at every reconcile. */
    private String lastFailure;
    private boolean closed;

    /**
     * @param kernel where the TAP and the table are made
     * @param store  where the node's ingress endpoint is allocated, or null to never ask
     * @param viaVip whether ingress ports DNAT to the service's VIP (the VTEP's load
     *               balancer picks the task) instead of spreading over the tasks themselves
     * @param defaultMtu the MTU of an ingress network that sets none
     */
    public RoutingMesh(String nodeId, MeshKernel kernel, Store store, boolean viaVip, int defaultMtu) {
        this.nodeId = nodeId;
        this.kernel = kernel;
        this.cluster = store == null ? null : new ClusterStore(store);
        this.viaVip = viaVip;
        this.defaultMtu = defaultMtu;
        this.proxies = new ProxyForwarders(viaVip);
        this.allocator = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "swarmnet-mesh-allocator");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Brings the mesh in line with the tables: asks for the node's ingress endpoint if it
     * has none on the current ingress network, opens or replaces its TAP, rewrites the
     * table and starts or stops PROXY forwarders.
     *
     * @param gwAddresses the gwbridge address of each task attached here, by task id
     * @return whether the kernel holds what was asked; false after a failure it logged
     */
    public synchronized boolean reconcile(ClusterView view, DesiredTables desired, Map<String, Integer> gwAddresses) {
        if (closed) {
            return true;
        }
        Optional<LocalNetwork> ingress = desired.networks().entries().values().stream().filter(LocalNetwork::ingress).findFirst();
        TaskEndpoint wanted = view.node(nodeId).map(Node::ingress)
                .filter(e -> ingress.isPresent() && e.networkId().equals(ingress.get().networkId())).orElse(null);
        if (ingress.isPresent() && wanted == null) {
            requestEndpoint();
        }
        boolean inSync = reconcileEndpoint(ingress.orElse(null), wanted);
        Set<PortKey> proxied = proxies.reconcile(desired.publishedPorts().entries().values(),
                endpoint == null ? 0 : endpoint.ip());
        String body = MeshTable.body(endpoint == null ? null : IngressEndpoint.INTERFACE,
                desired.publishedPorts().entries().values(), gwAddresses, proxied, viaVip);
        if (!body.equals(applied)) {
            try {
                kernel.replaceTable(body);
                applied = body;
                lastFailure = null;
                LOG.info("routing mesh: table {} {} now serves {} published port(s)", MeshTable.FAMILY, MeshTable.NAME,
                        desired.publishedPorts().entries().size());
            } catch (IOException | RuntimeException e) {
                warnOnce("routing mesh: cannot write table " + MeshTable.FAMILY + " " + MeshTable.NAME
                        + "; the last one stays: " + e);
                inSync = false;
            }
        }
        return inSync;
    }

    /** Opens, replaces or closes the ingress endpoint; returns false if it could not open the one wanted. */
    private boolean reconcileEndpoint(LocalNetwork ingress, TaskEndpoint wanted) {
        if (wanted == null) {
            closeEndpoint();
            return true;
        }
        int ip = Ipv4Address.parse(wanted.ip());
        int mtu = ingress.mtu() > 0 ? ingress.mtu() : defaultMtu;
        if (endpoint != null && endpoint.matches(ingress.vni(), ip, ingress.subnet().prefixLength(), mtu)) {
            return true;
        }
        closeEndpoint();
        try {
            endpoint = kernel.openIngress(ingress.vni(), ip, ingress.subnet().prefixLength(), mtu);
            LOG.info("routing mesh: ingress endpoint {}", endpoint);
            return true;
        } catch (IOException | RuntimeException e) {
            warnOnce("routing mesh: cannot open the ingress endpoint " + wanted.ip() + " on vni " + ingress.vni() + ": " + e);
            return false;
        }
    }

    /** Logs {@code message} unless it is the last one logged: a lasting failure is retried at every reconcile. */
    private void warnOnce(String message) {
        if (!message.equals(lastFailure)) {
            lastFailure = message;
            LOG.warn(message);
        }
    }

    private void closeEndpoint() {
        if (endpoint != null) {
            try {
                kernel.closeIngress(endpoint);
            } catch (IOException | RuntimeException e) {
                LOG.warn("routing mesh: closing {}: {}", endpoint, e.toString());
            }
            endpoint = null;
        }
    }

    private void requestEndpoint() {
        if (cluster == null || !allocating.compareAndSet(false, true)) {
            return;
        }
        try {
            allocator.execute(() -> {
                try {
                    cluster.ensureIngressEndpoint(nodeId)
                            .ifPresent(e -> LOG.info("routing mesh: this node's ingress endpoint is {}", e.ip()));
                } catch (RuntimeException e) {
                    LOG.warn("routing mesh: cannot allocate this node's ingress endpoint, retrying: {}", e.toString());
                    try {
                        Thread.sleep(RETRY_PAUSE_MS);
                    } catch (InterruptedException stop) {
                        Thread.currentThread().interrupt();
                    }
                } finally {
                    allocating.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            allocating.set(false);
        }
    }

    /** The VTEP ports the mesh owns: the ingress endpoint's, once it is open. */
    public synchronized List<LocalPort> localPorts() {
        return endpoint == null ? List.of() : List.of(endpoint.localPort());
    }

    /** The ingress endpoint, if open. */
    public synchronized Optional<IngressEndpoint> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /**
     * Removes the table, stops the forwarders and closes the TAP: published ports stop
     * answering with the agent, rather than DNAT into an endpoint nobody serves.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        allocator.shutdownNow();
        try {
            allocator.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        proxies.close();
        if (applied != null) {
            try {
                kernel.deleteTable();
            } catch (IOException | RuntimeException e) {
                LOG.warn("routing mesh: cannot remove table {} {}: {}", MeshTable.FAMILY, MeshTable.NAME, e.toString());
            }
        }
        closeEndpoint();
        try {
            kernel.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("routing mesh: closing nftables: {}", e.toString());
        }
    }
}
