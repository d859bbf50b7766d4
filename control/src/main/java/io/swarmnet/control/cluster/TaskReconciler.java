package io.swarmnet.control.cluster;

import io.swarmnet.control.cluster.ClusterException.Reason;
import io.swarmnet.control.model.AllocCounter;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkAttachment;
import io.swarmnet.control.model.NodeAvailability;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.model.PublishedPort;
import io.swarmnet.control.model.Reservation;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.ServiceMode;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.model.TaskState;
import io.swarmnet.control.node.NodeId;
import io.swarmnet.control.node.NodeStatus;
import io.swarmnet.control.store.Keys;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plans a service's tasks toward what the service asks for: removes the ones it no longer
 * wants, brings the endpoints and host ports of the others in line with its networks and
 * ports, and places the missing ones like swarm's spread scheduler (on the ready, active
 * node running the fewest tasks of the service, then the fewest tasks overall).
 *
 * <p>It plans as much as fits into one transaction and says whether that was all, so a
 * big change commits in several steps; every step requires the service record and its
 * task guard unchanged, so steps from two clients never interleave on one service.
 */
final class TaskReconciler {
    private final Allocation alloc;
    private final Plan plan;
    private final Map<String, Integer> tasksPerNode = new HashMap<>();
    private final Map<String, List<String>> hostPortsByTask;
    private boolean drain;

    TaskReconciler(Allocation alloc) {
        this.alloc = alloc;
        this.plan = alloc.plan();
        for (Task t : alloc.snapshot().tasks()) {
            tasksPerNode.merge(t.nodeId(), 1, Integer::sum);
        }
        this.hostPortsByTask = alloc.hostPortsByTask();
    }

    /**
     * Makes {@link #converge} drain the tasks a service no longer wants instead of removing
     * them: a running one becomes draining (its flows finish, new ones go elsewhere) and
     * keeps its addresses until a later converge without draining removes it.
     */
    TaskReconciler draining() {
        this.drain = true;
        return this;
    }

    /**
     * Plans the service's tasks, all of them when {@code removing}.
     *
     * @return whether everything is planned; false when the rest needs another transaction
     * @throws ClusterException NO_SUITABLE_NODE, PORT_IN_USE or POOL_EXHAUSTED when a task cannot be placed
     */
    boolean converge(Service service, boolean removing) {
        var snapshot = alloc.snapshot();
        String serviceKey = Keys.service(service.id());
        String guard = AllocKeys.serviceTasks(service.id());
        plan.require(serviceKey, snapshot.modRevision(serviceKey));
        plan.require(guard, snapshot.modRevision(guard));
        long changes = snapshot.value(guard, AllocCounter.class).map(AllocCounter::value).orElse(0L);
        // Room kept for rewriting the task guard and the port guard.
        int reserve = 2;

        List<Task> existing = snapshot.tasksOf(service.id());
        List<Task> kept = new ArrayList<>();
        List<Task> surplus = new ArrayList<>();
        sort(service, existing, removing, kept, surplus);
        boolean changed = false;
        boolean done = true;

        Map<String, Integer> serviceTasksPerNode = new HashMap<>();
        for (Task t : existing) {
            serviceTasksPerNode.merge(t.nodeId(), 1, Integer::sum);
        }
        for (Task task : surplus) {
            if (drain) {
                if (task.state() == TaskState.RUNNING) {
                    if (!plan.fits(1 + reserve)) {
                        done = false;
                        break;
                    }
                    plan.put(Keys.task(task.id()), task.withState(TaskState.DRAINING));
                    changed = true;
                }
                continue;
            }
            List<String> ports = hostPortsByTask.getOrDefault(task.id(), List.of());
            if (!plan.fits(1 + task.endpoints().size() + ports.size() + reserve)) {
                done = false;
                break;
            }
            plan.delete(Keys.task(task.id()));
            for (TaskEndpoint e : task.endpoints()) {
                alloc.freeIp(e.networkId(), Ipv4Address.parse(e.ip()));
            }
            ports.forEach(plan::delete);
            serviceTasksPerNode.merge(task.nodeId(), -1, Integer::sum);
            tasksPerNode.merge(task.nodeId(), -1, Integer::sum);
            changed = true;
        }

        List<PublishedPort> hostPorts = service.ports().stream().filter(p -> p.mode() == PublishMode.HOST).toList();
        if (done) {
            for (Task task : kept) {
                int cost = 1 + task.endpoints().size() + service.networks().size() + 2 * hostPorts.size()
                        + hostPortsByTask.getOrDefault(task.id(), List.of()).size();
                if (!plan.fits(cost + reserve)) {
                    done = false;
                    break;
                }
                changed |= fix(service, task, hostPorts);
            }
        }

        if (done && !removing) {
            for (Placement missing : missing(service, kept)) {
                if (!plan.fits(1 + service.networks().size() + hostPorts.size() + reserve)) {
                    done = false;
                    break;
                }
                String nodeId = missing.nodeId != null ? missing.nodeId
                        : spread(service, missing.slot, hostPorts, serviceTasksPerNode);
                place(service, missing.slot, nodeId, hostPorts);
                serviceTasksPerNode.merge(nodeId, 1, Integer::sum);
                tasksPerNode.merge(nodeId, 1, Integer::sum);
                changed = true;
            }
        }
        if (changed) {
            plan.put(guard, AllocCounter.of(changes + 1));
        }
        return done;
    }

    /** Splits a service's tasks into those it keeps and those it no longer wants, surplus highest slot first. */
    private void sort(Service service, List<Task> existing, boolean removing, List<Task> kept, List<Task> surplus) {
        if (removing) {
            surplus.addAll(existing);
        } else if (service.mode() == ServiceMode.REPLICATED) {
            Set<Integer> slots = new HashSet<>();
            for (Task t : existing) {
                if (t.slot() >= 1 && t.slot() <= service.replicas() && slots.add(t.slot())) {
                    kept.add(t);
                } else {
                    surplus.add(t);
                }
            }
        } else {
            Set<String> nodes = new HashSet<>();
            for (Task t : existing) {
                // A global task stays on a node that is down (it may come back) but leaves
                // a node that is drained or gone, as swarm's global orchestrator does.
                boolean wanted = alloc.snapshot().nodeById(t.nodeId())
                        .map(n -> n.availability() != NodeAvailability.DRAIN).orElse(false);
                if (wanted && nodes.add(t.nodeId())) {
                    kept.add(t);
                } else {
                    surplus.add(t);
                }
            }
        }
        surplus.sort(Comparator.comparingInt(Task::slot).reversed());
    }

    /** A task to create: a replicated slot to place, or a global task's node. */
    private record Placement(int slot, String nodeId) {
    }

    private List<Placement> missing(Service service, List<Task> kept) {
        List<Placement> missing = new ArrayList<>();
        if (service.mode() == ServiceMode.REPLICATED) {
            Set<Integer> slots = new HashSet<>();
            kept.forEach(t -> slots.add(t.slot()));
            for (int slot = 1; slot <= service.replicas(); slot++) {
                if (!slots.contains(slot)) {
                    missing.add(new Placement(slot, null));
                }
            }
        } else {
            Set<String> nodes = new HashSet<>();
            kept.forEach(t -> nodes.add(t.nodeId()));
            for (NodeStatus n : eligible()) {
                if (!nodes.contains(n.node().id())) {
                    missing.add(new Placement(0, n.node().id()));
                }
            }
        }
        return missing;
    }

    /** Ready nodes that take new tasks, by hostname. */
    private List<NodeStatus> eligible() {
        return alloc.snapshot().nodes().stream()
                .filter(n -> alloc.snapshot().ready(n.node().id()) && n.node().availability() == NodeAvailability.ACTIVE)
                .toList();
    }

    /** Swarm's spread: fewest tasks of the service, then fewest tasks, among nodes where the host ports are free. */
    private String spread(Service service, int slot, List<PublishedPort> hostPorts, Map<String, Integer> serviceTasksPerNode) {
        List<NodeStatus> candidates = new ArrayList<>(eligible());
        if (candidates.isEmpty()) {
            int nodes = alloc.snapshot().nodes().size();
            throw new ClusterException(Reason.NO_SUITABLE_NODE, nodes == 0
                    ? "no suitable node for " + service.name() + "." + slot + ": no node has joined the cluster (start 'swarmnet agent' on a host)"
                    : "no suitable node for " + service.name() + "." + slot + ": none of the " + nodes + " nodes is ready and active");
        }
        candidates.sort(Comparator
                .comparingInt((NodeStatus n) -> serviceTasksPerNode.getOrDefault(n.node().id(), 0))
                .thenComparingInt(n -> tasksPerNode.getOrDefault(n.node().id(), 0))
                .thenComparing(n -> n.node().hostname())
                .thenComparing(n -> n.node().id()));
        Map<String, String> blocked = new TreeMap<>();
        for (NodeStatus candidate : candidates) {
            String nodeId = candidate.node().id();
            PublishedPort busy = hostPorts.stream()
                    .filter(p -> !alloc.hostPortFree(nodeId, p.protocol(), p.published())).findFirst().orElse(null);
            if (busy == null) {
                return nodeId;
            }
            blocked.put(candidate.node().hostname(), busy.published() + "/" + busy.protocol().label() + " by "
                    + alloc.hostPortHolder(nodeId, busy.protocol(), busy.published()));
        }
        StringBuilder why = new StringBuilder();
        blocked.forEach((host, port) -> why.append(why.length() == 0 ? "" : ", ").append(host).append(": ").append(port));
        throw new ClusterException(Reason.NO_SUITABLE_NODE, "no suitable node for " + service.name() + "." + slot
                + ": its host-mode port is already published on every ready, active node (" + why + ")");
    }

    private void place(Service service, int slot, String nodeId, List<PublishedPort> hostPorts) {
        String taskId = NodeId.generate();
        List<TaskEndpoint> endpoints = new ArrayList<>();
        for (NetworkAttachment attachment : service.networks()) {
            endpoints.add(endpoint(attachment.networkId(), taskId, service.id()));
        }
        for (PublishedPort p : hostPorts) {
            alloc.hostPort(nodeId, p.protocol(), p.published(), taskId, service.id());
        }
        plan.create(Keys.task(taskId), new Task(Task.SCHEMA_VERSION, taskId, service.id(), slot, nodeId, TaskState.RUNNING, endpoints));
    }

    private TaskEndpoint endpoint(String networkId, String taskId, String serviceId) {
        Network network = alloc.snapshot().networkById(networkId).orElseThrow(() -> new ClusterException(Reason.NOT_FOUND,
                "network " + networkId + " of service " + alloc.serviceName(serviceId) + " not found"));
        int ip = alloc.ip(network, Reservation.ofTask(taskId, serviceId));
        return new TaskEndpoint(networkId, Ipv4Address.toString(ip), MacAddress.toString(MacAddress.fromIpv4(ip)));
    }

    /** Brings a kept task's endpoints and host ports in line with the service; returns whether it changed anything. */
    private boolean fix(Service service, Task task, List<PublishedPort> hostPorts) {
        boolean changed = false;
        Map<String, TaskEndpoint> byNetwork = new LinkedHashMap<>();
        task.endpoints().forEach(e -> byNetwork.put(e.networkId(), e));
        List<TaskEndpoint> endpoints = new ArrayList<>();
        for (NetworkAttachment attachment : service.networks()) {
            TaskEndpoint e = byNetwork.remove(attachment.networkId());
            if (e == null) {
                e = endpoint(attachment.networkId(), task.id(), service.id());
                changed = true;
            }
            endpoints.add(e);
        }
        for (TaskEndpoint gone : byNetwork.values()) {
            alloc.freeIp(gone.networkId(), Ipv4Address.parse(gone.ip()));
            changed = true;
        }
        // A task drained by a scale-down and wanted again (scaled back up within the grace
        // period) runs on: it never stopped.
        if (changed || task.state() != TaskState.RUNNING) {
            plan.put(Keys.task(task.id()), new Task(task.version(), task.id(), task.serviceId(), task.slot(), task.nodeId(),
                    TaskState.RUNNING, endpoints));
            changed = true;
        }

        Set<String> wanted = new HashSet<>();
        for (PublishedPort p : hostPorts) {
            String key = AllocKeys.hostPort(task.nodeId(), p.protocol(), p.published());
            wanted.add(key);
            List<String> held = hostPortsByTask.getOrDefault(task.id(), List.of());
            if (!held.contains(key)) {
                alloc.hostPort(task.nodeId(), p.protocol(), p.published(), task.id(), service.id());
                changed = true;
            }
        }
        for (String held : hostPortsByTask.getOrDefault(task.id(), List.of())) {
            if (!wanted.contains(held)) {
                plan.delete(held);
                changed = true;
            }
        }
        return changed;
    }
}
