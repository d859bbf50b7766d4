package io.swarmnet.node.web;

import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkAttachment;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.model.PublishedPort;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.ServiceMode;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.view.ClusterView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the cluster view page draws, as one JSON-ready tree: nodes with the tasks on each,
 * services with their VIPs and published ports, networks, and the traffic rates of every
 * node. A pure function of a {@link ClusterView} and the polled rates.
 */
final class ClusterState {
    private ClusterState() {
    }

    static Map<String, Object> of(ClusterView view, String selfId, Map<String, TrafficPoller.NodeRates> rates) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("revision", view.revision());
        root.put("self", selfId);
        root.put("nodes", nodes(view, rates));
        root.put("services", services(view, rates));
        root.put("networks", networks(view, rates));
        return root;
    }

    private static List<Map<String, Object>> nodes(ClusterView view, Map<String, TrafficPoller.NodeRates> rates) {
        List<Node> nodes = new ArrayList<>(view.nodes().values());
        // Managers first, as 'docker node ls' and the swarm visualizer show them.
        nodes.sort(Comparator.comparing((Node n) -> n.role() != NodeRole.MANAGER).thenComparing(Node::hostname));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Node n : nodes) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", n.id());
            node.put("hostname", n.hostname());
            node.put("role", n.role().label());
            node.put("address", n.advertiseAddr());
            node.put("state", view.nodeState(n.id()).label());
            node.put("availability", n.availability().label());
            TrafficPoller.NodeRates r = rates.get(n.id());
            node.put("rxBytesPerSecond", r == null ? null : r.rxBytes());
            node.put("txBytesPerSecond", r == null ? null : r.txBytes());
            List<Map<String, Object>> tasks = new ArrayList<>();
            view.tasksOn(n.id()).stream()
                    .sorted(Comparator.comparing((Task t) -> serviceName(view, t)).thenComparingInt(Task::slot))
                    .forEach(t -> tasks.add(task(view, t)));
            node.put("tasks", tasks);
            out.add(node);
        }
        return out;
    }

    private static Map<String, Object> task(ClusterView view, Task t) {
        Map<String, Object> task = new LinkedHashMap<>();
        String service = serviceName(view, t);
        task.put("id", t.id());
        task.put("name", taskName(view, t, service));
        task.put("service", service);
        task.put("state", t.state().label());
        List<String> addresses = new ArrayList<>();
        for (TaskEndpoint e : t.endpoints()) {
            addresses.add(view.network(e.networkId()).map(Network::name).orElse(e.networkId()) + " " + e.ip());
        }
        task.put("addresses", addresses);
        return task;
    }

    /** {@code web.2}, or {@code web.<hostname>} for a global service's task, as Docker names them. */
    private static String taskName(ClusterView view, Task t, String service) {
        boolean global = view.service(t.serviceId()).map(s -> s.mode() == ServiceMode.GLOBAL).orElse(false);
        return service + "." + (global ? view.node(t.nodeId()).map(Node::hostname).orElse(t.nodeId()) : t.slot());
    }

    private static String serviceName(ClusterView view, Task t) {
        return view.service(t.serviceId()).map(Service::name).orElse(t.serviceId());
    }

    private static List<Map<String, Object>> services(ClusterView view, Map<String, TrafficPoller.NodeRates> rates) {
        List<Map<String, Object>> out = new ArrayList<>();
        view.services().values().stream().sorted(Comparator.comparing(Service::name)).forEach(s -> {
            Map<String, Object> service = new LinkedHashMap<>();
            service.put("id", s.id());
            service.put("name", s.name());
            service.put("mode", s.mode().label());
            service.put("replicas", s.mode() == ServiceMode.GLOBAL ? null : s.replicas());
            service.put("tasks", view.tasksOf(s.id()).size());
            service.put("endpointMode", s.endpointMode().label());
            List<String> vips = new ArrayList<>();
            for (NetworkAttachment a : s.networks()) {
                if (a.vip() != null) {
                    vips.add(view.network(a.networkId()).map(Network::name).orElse(a.networkId()) + " " + a.vip());
                }
            }
            service.put("vips", vips);
            List<String> ports = new ArrayList<>();
            for (PublishedPort p : s.ports()) {
                ports.add(p.published() + "->" + p.target() + "/" + p.protocol().label() + " " + p.mode().label());
            }
            service.put("ports", ports);
            double flows = 0;
            boolean any = false;
            for (TrafficPoller.NodeRates r : rates.values()) {
                Double f = r.flowsByService().get(s.name());
                if (f != null) {
                    flows += f;
                    any = true;
                }
            }
            service.put("newFlowsPerSecond", any ? flows : null);
            out.add(service);
        });
        return out;
    }

    private static List<Map<String, Object>> networks(ClusterView view, Map<String, TrafficPoller.NodeRates> rates) {
        List<Map<String, Object>> out = new ArrayList<>();
        view.networks().values().stream().sorted(Comparator.comparing(Network::name)).forEach(n -> {
            Map<String, Object> network = new LinkedHashMap<>();
            network.put("id", n.id());
            network.put("name", n.name());
            network.put("subnet", n.subnet());
            network.put("vni", n.vni());
            network.put("ingress", n.ingress());
            network.put("internal", n.internal());
            double bytes = 0;
            for (TrafficPoller.NodeRates r : rates.values()) {
                bytes += r.bytesByNetwork().getOrDefault(n.name(), 0.0);
            }
            network.put("bytesPerSecond", rates.isEmpty() ? null : bytes);
            out.add(network);
        });
        return out;
    }
}
