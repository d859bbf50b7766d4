package io.swarmnet.control.node;

import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeLiveness;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.model.NodeState;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Listing;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreException;
import io.swarmnet.control.store.Transaction;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node registry in the store: a persistent record per node under
 * {@link Keys#NODES} and a liveness key per running agent under {@link Keys#NODES_ALIVE},
 * attached to the agent's lease so the node turns down when the lease ends.
 */
public final class NodeRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
    private static final int MAX_ATTEMPTS = 8;

    private final Store store;

    public NodeRegistry(Store store) {
        this.store = store;
    }

    /**
     * A node is a manager when its advertise address is the host of one of the managers'
     * client URLs, because the managers are the store's members. Compares text only, so
     * it never resolves a name.
     */
    public static NodeRole roleFor(String advertiseAddr, List<URI> memberClientUrls) {
        String wanted = normalize(advertiseAddr);
        for (URI url : memberClientUrls) {
            if (url.getHost() != null && normalize(url.getHost()).equals(wanted)) {
                return NodeRole.MANAGER;
            }
        }
        return NodeRole.WORKER;
    }

    private static String normalize(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.toLowerCase(Locale.ROOT);
    }

    /**
     * Writes the node's record and its liveness key (attached to {@code leaseId}) in one
     * transaction. A record already there keeps its availability, which the operator owns,
     * and its ingress endpoint, which the control plane allocated; everything else is the
     * agent's to update.
     *
     * @return the record as stored
     */
    public Node register(Node node, long leaseId) {
        String key = Keys.node(node.id());
        byte[] liveness = ModelJson.write(new NodeLiveness(1, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()));
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<KeyValue> current = store.get(key);
            Node merged = current.flatMap(NodeRegistry::decode)
                    .map(existing -> node.withAvailability(existing.availability()).withIngress(existing.ingress())
                            .withLbWeight(existing.lbWeight()))
                    .orElse(node);
            Transaction txn = Transaction.create()
                    .ifModRevision(key, current.map(KeyValue::modRevision).orElse(0L))
                    .put(key, ModelJson.write(merged))
                    .put(Keys.nodeAlive(node.id()), liveness, leaseId);
            if (store.commit(txn).succeeded()) {
                return merged;
            }
        }
        throw new StoreException("node record " + key + " changed under every one of " + MAX_ATTEMPTS + " attempts to register it");
    }

    public Optional<Node> get(String nodeId) {
        return store.get(Keys.node(nodeId)).flatMap(NodeRegistry::decode);
    }

    /** Every registered node and whether it is up, in node id order, as of one revision. */
    public List<NodeStatus> list() {
        // One listing of ".../nodes" covers both "nodes/" and "nodes-alive/", so records and
        // liveness come from the same revision and a node is never half seen.
        Listing listing = store.list(Keys.ROOT + "nodes");
        Set<String> alive = new HashSet<>();
        for (KeyValue kv : listing.items()) {
            if (kv.key().startsWith(Keys.NODES_ALIVE)) {
                alive.add(Keys.idOf(Keys.NODES_ALIVE, kv.key()));
            }
        }
        List<NodeStatus> nodes = new ArrayList<>();
        for (KeyValue kv : listing.items()) {
            if (kv.key().startsWith(Keys.NODES)) {
                decode(kv).ifPresent(n -> nodes.add(new NodeStatus(n, alive.contains(n.id()) ? NodeState.READY : NodeState.DOWN)));
            }
        }
        return nodes;
    }

    private static Optional<Node> decode(KeyValue kv) {
        try {
            return Optional.of(ModelJson.read(kv.value(), Node.class));
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring {}: {}", kv.key(), e.getMessage());
            return Optional.empty();
        }
    }
}
