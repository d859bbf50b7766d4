package io.swarmnet.control.cluster;

import io.swarmnet.control.model.ClusterConfig;
import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeState;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskReport;
import io.swarmnet.control.node.NodeStatus;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Listing;
import io.swarmnet.control.store.Store;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every swarmnet key as of one store revision, with the records decoded: what an
 * allocation decides from and what the CLI lists. Records that do not decode are logged
 * and left out, as everywhere else. Immutable.
 */
public final class ClusterSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSnapshot.class);

    private final long revision;
    private final TreeMap<String, KeyValue> keys = new TreeMap<>();
    private final Map<String, Network> networks = new HashMap<>();
    private final Map<String, Service> services = new HashMap<>();
    private final Map<String, Task> tasks = new HashMap<>();
    private final Map<String, TaskReport> reports = new HashMap<>();
    private final Map<String, Node> nodes = new HashMap<>();
    private final Set<String> alive = new HashSet<>();

    ClusterSnapshot(Listing listing) {
        this.revision = listing.revision();
        for (KeyValue kv : listing.items()) {
            keys.put(kv.key(), kv);
            String key = kv.key();
            if (key.startsWith(Keys.NETWORKS)) {
                decode(kv, Network.class).ifPresent(n -> networks.put(n.id(), n));
            } else if (key.startsWith(Keys.SERVICES)) {
                decode(kv, Service.class).ifPresent(s -> services.put(s.id(), s));
            } else if (key.startsWith(Keys.TASKS)) {
                decode(kv, Task.class).ifPresent(t -> tasks.put(t.id(), t));
            } else if (key.startsWith(Keys.TASK_STATUS)) {
                decode(kv, TaskReport.class).ifPresent(r -> reports.put(Keys.idOf(Keys.TASK_STATUS, key), r));
            } else if (key.startsWith(Keys.NODES_ALIVE)) {
                alive.add(Keys.idOf(Keys.NODES_ALIVE, key));
            } else if (key.startsWith(Keys.NODES)) {
                decode(kv, Node.class).ifPresent(n -> nodes.put(n.id(), n));
            }
        }
    }

    /** Lists every swarmnet key at one revision. */
    public static ClusterSnapshot read(Store store) {
        return new ClusterSnapshot(store.list(Keys.ROOT));
    }

    private static <T> Optional<T> decode(KeyValue kv, Class<T> type) {
        try {
            return Optional.of(ModelJson.read(kv.value(), type));
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring {} at revision {}: {}", kv.key(), kv.modRevision(), e.getMessage());
            return Optional.empty();
        }
    }

    public long revision() {
        return revision;
    }

    /** Networks by name. */
    public List<Network> networks() {
        return networks.values().stream().sorted(Comparator.comparing(Network::name).thenComparing(Network::id)).toList();
    }

    /** Services by name. */
    public List<Service> services() {
        return services.values().stream().sorted(Comparator.comparing(Service::name).thenComparing(Service::id)).toList();
    }

    /** Every task, by service name, then slot, then node. */
    public List<Task> tasks() {
        return tasks.values().stream().sorted(Comparator
                .comparing((Task t) -> Optional.ofNullable(services.get(t.serviceId())).map(Service::name).orElse(t.serviceId()))
                .thenComparingInt(Task::slot).thenComparing(this::hostnameOf).thenComparing(Task::id)).toList();
    }

    /** A service's tasks, by slot, then node. */
    public List<Task> tasksOf(String serviceId) {
        return tasks.values().stream().filter(t -> t.serviceId().equals(serviceId))
                .sorted(Comparator.comparingInt(Task::slot).thenComparing(this::hostnameOf).thenComparing(Task::id)).toList();
    }

    /** What the node running task {@code taskId} last reported of it, if it has reported. */
    public Optional<TaskReport> report(String taskId) {
        return Optional.ofNullable(reports.get(taskId));
    }

    /** Every node with whether its agent is up, by hostname. */
    public List<NodeStatus> nodes() {
        return nodes.values().stream()
                .sorted(Comparator.comparing(Node::hostname).thenComparing(Node::id))
                .map(n -> new NodeStatus(n, alive.contains(n.id()) ? NodeState.READY : NodeState.DOWN))
                .toList();
    }

    public Optional<Network> networkById(String id) {
        return Optional.ofNullable(networks.get(id));
    }

    public Optional<Service> serviceById(String id) {
        return Optional.ofNullable(services.get(id));
    }

    public Optional<Node> nodeById(String id) {
        return Optional.ofNullable(nodes.get(id));
    }

    public Optional<Task> taskById(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    /** Whether the node's agent holds its liveness lease. */
    public boolean ready(String nodeId) {
        return alive.contains(nodeId);
    }

    private String hostnameOf(Task task) {
        Node node = nodes.get(task.nodeId());
        return node == null ? task.nodeId() : node.hostname();
    }

    /** The ingress network, when there is one. */
    public Optional<Network> ingress() {
        return networks.values().stream().filter(Network::ingress).findFirst();
    }

    /** Whether {@code swarmnet init} ran on this cluster. */
    public boolean initialized() {
        return keys.containsKey(AllocKeys.CLUSTER);
    }

    /** The recorded allocation settings, or Docker's defaults before {@code init}. */
    public ClusterConfig config() {
        return value(AllocKeys.CLUSTER, ClusterConfig.class).orElseGet(ClusterConfig::defaults);
    }

    /**
     * The network a user means: by full id, then name, then unique id prefix, as the
     * docker CLI resolves references.
     *
     * @throws ClusterException NOT_FOUND or AMBIGUOUS
     */
    public Network network(String ref) {
        return resolve("network", ref, networks, Network::id, Network::name);
    }

    /** The service a user means, resolved like {@link #network}. */
    public Service service(String ref) {
        return resolve("service", ref, services, Service::id, Service::name);
    }

    /** The node a user means: by full id, then hostname, then unique id prefix. */
    public NodeStatus node(String ref) {
        Node node = resolve("node", ref, nodes, Node::id, Node::hostname);
        return new NodeStatus(node, alive.contains(node.id()) ? NodeState.READY : NodeState.DOWN);
    }

    private static <T> T resolve(String kind, String ref, Map<String, T> byId, Function<T, String> id, Function<T, String> name) {
        if (ref == null || ref.isEmpty()) {
            throw new ClusterException(ClusterException.Reason.INVALID, "no " + kind + " given");
        }
        T exact = byId.get(ref);
        if (exact != null) {
            return exact;
        }
        List<T> named = byId.values().stream().filter(t -> name.apply(t).equals(ref)).toList();
        if (named.size() == 1) {
            return named.get(0);
        }
        List<T> prefixed = new ArrayList<>(byId.values().stream().filter(t -> id.apply(t).startsWith(ref)).toList());
        if (named.size() > 1 || prefixed.size() > 1) {
            int matches = Math.max(named.size(), prefixed.size());
            throw new ClusterException(ClusterException.Reason.AMBIGUOUS,
                    kind + " " + ref + " is ambiguous (" + matches + " matches found)");
        }
        if (prefixed.size() == 1) {
            return prefixed.get(0);
        }
        throw new ClusterException(ClusterException.Reason.NOT_FOUND, notFound(kind, ref));
    }

    /** Docker's wording: "network foo not found", "No such service: foo", "No such node: foo". */
    static String notFound(String kind, String ref) {
        return kind.equals("network") ? "network " + ref + " not found" : "No such " + kind + ": " + ref;
    }

    /** The last-write revision of a key, 0 when absent: what a transaction compares. */
    public long modRevision(String key) {
        KeyValue kv = keys.get(key);
        return kv == null ? 0 : kv.modRevision();
    }

    public boolean contains(String key) {
        return keys.containsKey(key);
    }

    /** The keys under a prefix, in key order. */
    public SortedMap<String, KeyValue> under(String prefix) {
        return keys.subMap(prefix, prefix + Character.MAX_VALUE);
    }

    /** A key's value decoded as {@code type}; empty when absent or not decodable. */
    public <T> Optional<T> value(String key, Class<T> type) {
        KeyValue kv = keys.get(key);
        return kv == null ? Optional.empty() : decode(kv, type);
    }
}
