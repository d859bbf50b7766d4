package io.swarmnet.control.view;

import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeState;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskReport;
import io.swarmnet.control.node.NodeStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The cluster's desired state as of one store revision: nodes (and whether each is ready),
 * networks, services and tasks. Immutable; a change makes a new view through an
 * {@link Editor}, which shares every map the change does not touch.
 *
 * <p>A node is ready exactly while its liveness key exists; a node whose record exists
 * but whose liveness key does not is down.
 */
public final class ClusterView {
    /** The view before anything was read: revision 0, no records. */
    public static final ClusterView EMPTY = new ClusterView(0, Map.of(), Set.of(), Map.of(), Map.of(), Map.of(), Map.of());

    private static final Comparator<Task> BY_ID = Comparator.comparing(Task::id);

    private final long revision;
    private final Map<String, Node> nodes;
    private final Set<String> alive;
    private final Map<String, Network> networks;
    private final Map<String, Service> services;
    private final Map<String, Task> tasks;
    private final Map<String, TaskReport> reports;
    // Built on first use; a race builds the same index twice, which is harmless.
    private volatile Map<String, List<Task>> tasksByService;
    private volatile Map<String, List<Task>> tasksByNode;

    private ClusterView(long revision, Map<String, Node> nodes, Set<String> alive, Map<String, Network> networks,
                        Map<String, Service> services, Map<String, Task> tasks, Map<String, TaskReport> reports) {
        this.revision = revision;
        this.nodes = nodes;
        this.alive = alive;
        this.networks = networks;
        this.services = services;
        this.tasks = tasks;
        this.reports = reports;
    }

    /** The store revision this view reflects: every change up to it and none after. */
    public long revision() {
        return revision;
    }

    /** Node records by id, ready or down. */
    public Map<String, Node> nodes() {
        return nodes;
    }

    public Optional<Node> node(String id) {
        return Optional.ofNullable(nodes.get(id));
    }

    /** The ids whose liveness key exists, including any whose record is not (yet) there. */
    public Set<String> aliveNodeIds() {
        return alive;
    }

    public boolean isReady(String nodeId) {
        return alive.contains(nodeId);
    }

    public NodeState nodeState(String nodeId) {
        return alive.contains(nodeId) ? NodeState.READY : NodeState.DOWN;
    }

    /** Every node record with its state, in id order. */
    public List<NodeStatus> nodeStatuses() {
        return nodes.values().stream()
                .sorted(Comparator.comparing(Node::id))
                .map(n -> new NodeStatus(n, nodeState(n.id())))
                .toList();
    }

    public Map<String, Network> networks() {
        return networks;
    }

    public Optional<Network> network(String id) {
        return Optional.ofNullable(networks.get(id));
    }

    /** The network with this name; names are unique in a consistent cluster, the lowest id wins otherwise. */
    public Optional<Network> networkNamed(String name) {
        return networks.values().stream().filter(n -> n.name().equals(name)).min(Comparator.comparing(Network::id));
    }

    /** The routing mesh's network; one per cluster, the lowest id wins if there are several. */
    public Optional<Network> ingressNetwork() {
        return networks.values().stream().filter(Network::ingress).min(Comparator.comparing(Network::id));
    }

    public Map<String, Service> services() {
        return services;
    }

    public Optional<Service> service(String id) {
        return Optional.ofNullable(services.get(id));
    }

    /** The service with this name; names are unique in a consistent cluster, the lowest id wins otherwise. */
    public Optional<Service> serviceNamed(String name) {
        return services.values().stream().filter(s -> s.name().equals(name)).min(Comparator.comparing(Service::id));
    }

    public Map<String, Task> tasks() {
        return tasks;
    }

    public Optional<Task> task(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    /** What the node running task {@code taskId} last reported of it, if it has. */
    public Optional<TaskReport> report(String taskId) {
        return Optional.ofNullable(reports.get(taskId));
    }

    /**
     * Whether the task can take traffic as far as its node has said: a container task once
     * its node reported it running (Docker puts a task behind its VIP only then), any other
     * task always (the lab's host-command tasks, which no node reports).
     */
    public boolean started(Task task) {
        Service s = services.get(task.serviceId());
        if (s == null || s.container() == null) {
            return true;
        }
        TaskReport r = reports.get(task.id());
        return r != null && r.state() == TaskReport.State.RUNNING;
    }

    /** The tasks of a service, in id order, whatever their node's state. */
    public List<Task> tasksOf(String serviceId) {
        Map<String, List<Task>> index = tasksByService;
        if (index == null) {
            index = index(Task::serviceId);
            tasksByService = index;
        }
        return index.getOrDefault(serviceId, List.of());
    }

    /** The tasks placed on a node, in id order, whatever its state. */
    public List<Task> tasksOn(String nodeId) {
        Map<String, List<Task>> index = tasksByNode;
        if (index == null) {
            index = index(Task::nodeId);
            tasksByNode = index;
        }
        return index.getOrDefault(nodeId, List.of());
    }

    private Map<String, List<Task>> index(Function<Task, String> by) {
        Map<String, List<Task>> index = new HashMap<>();
        for (Task t : tasks.values()) {
            index.computeIfAbsent(by.apply(t), k -> new ArrayList<>()).add(t);
        }
        index.replaceAll((k, list) -> {
            list.sort(BY_ID);
            return List.copyOf(list);
        });
        return index;
    }

    /** Whether both views hold the same records and liveness, whatever their revisions. */
    public boolean sameContent(ClusterView other) {
        return nodes.equals(other.nodes) && alive.equals(other.alive) && networks.equals(other.networks)
                && services.equals(other.services) && tasks.equals(other.tasks) && reports.equals(other.reports);
    }

    /** Starts a new view from this one; this view does not change. */
    public Editor edit() {
        return new Editor(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterView v && revision == v.revision && sameContent(v);
    }

    @Override
    public int hashCode() {
        return Objects.hash(revision, nodes, alive, networks, services, tasks);
    }

    @Override
    public String toString() {
        return "ClusterView{revision=" + revision + ", nodes=" + nodes.size() + " (" + alive.size() + " alive)"
                + ", networks=" + networks.size() + ", services=" + services.size() + ", tasks=" + tasks.size() + "}";
    }

    /**
     * Builds the next view from a base view, recording each change. Copies a map only when
     * the first change to it arrives, so a change to one task copies the task map alone.
     * Not thread-safe; use it on one thread and drop it after {@link #build}.
     */
    public static final class Editor {
        private final ClusterView base;
        private final List<ViewChange> changes = new ArrayList<>();
        private Map<String, Node> nodes;
        private Set<String> alive;
        private Map<String, Network> networks;
        private Map<String, Service> services;
        private Map<String, Task> tasks;
        private Map<String, TaskReport> reports;
        private boolean built;

        private Editor(ClusterView base) {
            this.base = base;
            this.nodes = base.nodes;
            this.alive = base.alive;
            this.networks = base.networks;
            this.services = base.services;
            this.tasks = base.tasks;
            this.reports = base.reports;
        }

        public Editor put(Node node, long revision) {
            return put(RecordKind.NODE, node.id(), node, revision);
        }

        public Editor put(Network network, long revision) {
            return put(RecordKind.NETWORK, network.id(), network, revision);
        }

        public Editor put(Service service, long revision) {
            return put(RecordKind.SERVICE, service.id(), service, revision);
        }

        public Editor put(Task task, long revision) {
            return put(RecordKind.TASK, task.id(), task, revision);
        }

        /** Marks a node ready, as its liveness key appearing does. */
        public Editor alive(String nodeId, long revision) {
            return put(RecordKind.LIVENESS, nodeId, Boolean.TRUE, revision);
        }

        /**
         * Sets the record of {@code kind} with {@code id}; for {@link RecordKind#LIVENESS}
         * the record is ignored, the key's existence is what counts.
         *
         * @throws IllegalArgumentException when the record is not of the kind's type
         */
        public Editor put(RecordKind kind, String id, Object record, long revision) {
            ensureOpen();
            boolean existed = switch (kind) {
                case NODE -> nodes().put(id, cast(record, Node.class)) != null;
                case LIVENESS -> !alive().add(id);
                case NETWORK -> networks().put(id, cast(record, Network.class)) != null;
                case SERVICE -> services().put(id, cast(record, Service.class)) != null;
                case TASK -> tasks().put(id, cast(record, Task.class)) != null;
                case REPORT -> reports().put(id, cast(record, TaskReport.class)) != null;
            };
            changes.add(new ViewChange(kind, id, existed ? ChangeType.UPDATED : ChangeType.ADDED, revision));
            return this;
        }

        /** Removes a record; removing an absent one changes nothing and records no change. */
        public Editor remove(RecordKind kind, String id, long revision) {
            ensureOpen();
            boolean present = switch (kind) {
                case NODE -> nodes.containsKey(id);
                case LIVENESS -> alive.contains(id);
                case NETWORK -> networks.containsKey(id);
                case SERVICE -> services.containsKey(id);
                case TASK -> tasks.containsKey(id);
                case REPORT -> reports.containsKey(id);
            };
            if (!present) {
                return this;
            }
            switch (kind) {
                case NODE -> nodes().remove(id);
                case LIVENESS -> alive().remove(id);
                case NETWORK -> networks().remove(id);
                case SERVICE -> services().remove(id);
                case TASK -> tasks().remove(id);
                case REPORT -> reports().remove(id);
            }
            changes.add(new ViewChange(kind, id, ChangeType.REMOVED, revision));
            return this;
        }

        /** The record of {@code kind} with {@code id} in the view being built, null when absent. */
        public Object get(RecordKind kind, String id) {
            return switch (kind) {
                case NODE -> nodes.get(id);
                case LIVENESS -> alive.contains(id) ? Boolean.TRUE : null;
                case NETWORK -> networks.get(id);
                case SERVICE -> services.get(id);
                case TASK -> tasks.get(id);
                case REPORT -> reports.get(id);
            };
        }

        /** The ids of {@code kind} in the view being built. */
        public Set<String> ids(RecordKind kind) {
            return switch (kind) {
                case NODE -> nodes.keySet();
                case LIVENESS -> alive;
                case NETWORK -> networks.keySet();
                case SERVICE -> services.keySet();
                case TASK -> tasks.keySet();
                case REPORT -> reports.keySet();
            };
        }

        /** The changes so far, in the order they were made. */
        public List<ViewChange> changes() {
            return Collections.unmodifiableList(changes);
        }

        /** The new view at {@code revision}; the base view when nothing changed and the revision is the same. */
        public ClusterView build(long revision) {
            ensureOpen();
            built = true;
            if (changes.isEmpty() && revision == base.revision) {
                return base;
            }
            return new ClusterView(revision, frozen(nodes, base.nodes), frozen(alive, base.alive),
                    frozen(networks, base.networks), frozen(services, base.services), frozen(tasks, base.tasks),
                    frozen(reports, base.reports));
        }

        private static <K, V> Map<K, V> frozen(Map<K, V> map, Map<K, V> original) {
            // Wrapped, not copied: the editor's copy is never touched again after build.
            return map == original ? original : Collections.unmodifiableMap(map);
        }

        private static <T> Set<T> frozen(Set<T> set, Set<T> original) {
            return set == original ? original : Collections.unmodifiableSet(set);
        }

        private void ensureOpen() {
            // WARNING: the built view wraps this editor's maps; changing them would change it.
            if (built) {
                throw new IllegalStateException("this editor already built its view; start a new one with edit()");
            }
        }

        private Map<String, Node> nodes() {
            if (nodes == base.nodes) {
                nodes = new HashMap<>(base.nodes);
            }
            return nodes;
        }

        private Set<String> alive() {
            if (alive == base.alive) {
                alive = new HashSet<>(base.alive);
            }
            return alive;
        }

        private Map<String, Network> networks() {
            if (networks == base.networks) {
                networks = new HashMap<>(base.networks);
            }
            return networks;
        }

        private Map<String, Service> services() {
            if (services == base.services) {
                services = new HashMap<>(base.services);
            }
            return services;
        }

        private Map<String, Task> tasks() {
            if (tasks == base.tasks) {
                tasks = new HashMap<>(base.tasks);
            }
            return tasks;
        }

        private Map<String, TaskReport> reports() {
            if (reports == base.reports) {
                reports = new HashMap<>(base.reports);
            }
            return reports;
        }

        private static <T> T cast(Object record, Class<T> type) {
            if (!type.isInstance(record)) {
                throw new IllegalArgumentException("expected a " + type.getSimpleName() + " record, got "
                        + (record == null ? "null" : record.getClass().getSimpleName()));
            }
            return type.cast(record);
        }
    }
}
