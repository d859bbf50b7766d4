package io.swarmnet.control.tables;

import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkAttachment;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.model.PublishedPort;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.model.TaskState;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;
import io.swarmnet.packet.MacAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Computes {@link DesiredTables} in one pass over the view. Records are visited in id
 * order, so when inconsistent records collide on a key (two tasks with one MAC, two
 * networks with one VNI, one port published twice) the lowest id wins, the same on every
 * node and every rebuild.
 */
final class DesiredTablesBuilder {
    private static final Comparator<Integer> UNSIGNED = Integer::compareUnsigned;

    private final ClusterView view;
    private final String nodeId;
    private final Set<String> attachedNetworkIds;
    /** This node's networks by id. */
    private final Map<String, LocalNetwork> local = new HashMap<>();
    private final Map<Integer, LocalNetwork> networks = new HashMap<>();
    private final Map<MacKey, Integer> fdb = new HashMap<>();
    private final Map<IpKey, Long> arp = new HashMap<>();
    private final Map<EndpointKey, LocalEndpoint> localEndpoints = new HashMap<>();
    private final Map<IpKey, VirtualService> services = new HashMap<>();
    private final Map<PortKey, PortMapping> ports = new HashMap<>();
    private final Map<DnsKey, DnsAnswers> dns = new HashMap<>();
    /** Underlay addresses by node id, parsed once per build. */
    private final Map<String, Integer> vteps = new HashMap<>();

    DesiredTablesBuilder(ClusterView view, String nodeId, Set<String> attachedNetworkIds) {
        this.view = view;
        this.nodeId = nodeId;
        this.attachedNetworkIds = Set.copyOf(attachedNetworkIds);
    }

    DesiredTables build() {
        collectNetworks();
        List<Task> tasks = view.tasks().values().stream().sorted(Comparator.comparing(Task::id)).toList();
        for (Task task : tasks) {
            addTask(task);
        }
        addIngressEndpoints();
        List<Service> sorted = view.services().values().stream().sorted(Comparator.comparing(Service::id)).toList();
        for (Service service : sorted) {
            addService(service);
        }
        Map<DnsKey, DnsRecord> records = new HashMap<>(dns.size() * 4 / 3 + 1);
        dns.forEach((k, v) -> records.put(k, v.record()));
        // The builder is dropped after this, so the tables may own its maps.
        return new DesiredTables(view.revision(), nodeId, Table.owning(networks), Table.owning(fdb), Table.owning(arp),
                Table.owning(localEndpoints), Table.owning(services), Table.owning(ports), Table.owning(records));
    }

    private void collectNetworks() {
        Set<String> ids = new HashSet<>(attachedNetworkIds);
        view.networks().values().stream().filter(Network::ingress).forEach(n -> ids.add(n.id()));
        for (Task t : view.tasksOn(nodeId)) {
            t.endpoints().forEach(e -> ids.add(e.networkId()));
        }
        ids.stream().sorted().map(view.networks()::get).filter(n -> n != null).forEach(n -> {
            LocalNetwork ln = new LocalNetwork(n.id(), n.name(), n.vni(), Ipv4Subnet.parse(n.subnet()),
                    Ipv4Address.parse(n.gateway()), n.mtu(), n.ingress(), n.internal());
            if (networks.putIfAbsent(ln.vni(), ln) == null) {
                local.put(n.id(), ln);
            }
        });
    }

    private boolean isLocal(Task task) {
        return task.nodeId().equals(nodeId);
    }

    /** Whether a task can be reached: it is ours, or its node is ready and has an underlay address. */
    /** Whether flows can go to the task: its node is up (or is this one) and it has started, as far as the view says. */
    private boolean reachable(Task task) {
        return (isLocal(task) || (view.isReady(task.nodeId()) && view.nodes().containsKey(task.nodeId())))
                && view.started(task);
    }

    private int vtep(Task task) {
        return vteps.computeIfAbsent(task.nodeId(), id -> {
            Node node = view.nodes().get(id);
            return node == null ? 0 : Ipv4Address.parse(node.advertiseAddr());
        });
    }

    private void addTask(Task task) {
        if (!reachable(task)) {
            return;
        }
        boolean isLocal = isLocal(task);
        int vtep = vtep(task);
        for (TaskEndpoint e : task.endpoints()) {
            LocalNetwork net = local.get(e.networkId());
            if (net == null) {
                continue;
            }
            int ip = Ipv4Address.parse(e.ip());
            long mac = MacAddress.parse(e.mac());
            arp.putIfAbsent(new IpKey(net.vni(), ip), mac);
            if (isLocal) {
                localEndpoints.put(new EndpointKey(task.id(), net.networkId()),
                        new LocalEndpoint(task.id(), task.serviceId(), net.networkId(), net.vni(), ip, mac, task.state()));
            } else {
                fdb.putIfAbsent(new MacKey(net.vni(), mac), vtep);
            }
        }
    }

    /**
     * Every node's own ingress endpoint, so that a backend anywhere can answer the node
     * that masqueraded a mesh connection: its ARP answer everywhere, its MAC behind its
     * node's VTEP on the others. Task addresses win a collision, as they were added first.
     */
    private void addIngressEndpoints() {
        Optional<Network> ingress = view.ingressNetwork();
        LocalNetwork net = ingress.map(n -> local.get(n.id())).orElse(null);
        if (net == null) {
            return;
        }
        view.nodes().values().stream().sorted(Comparator.comparing(Node::id)).forEach(node -> {
            TaskEndpoint e = node.ingress();
            boolean isLocal = node.id().equals(nodeId);
            if (e == null || !e.networkId().equals(net.networkId()) || !(isLocal || view.isReady(node.id()))) {
                return;
            }
            int ip = Ipv4Address.parse(e.ip());
            long mac = MacAddress.parse(e.mac());
            arp.putIfAbsent(new IpKey(net.vni(), ip), mac);
            if (!isLocal) {
                fdb.putIfAbsent(new MacKey(net.vni(), mac), Ipv4Address.parse(node.advertiseAddr()));
            }
        });
    }

    private void addService(Service service) {
        for (NetworkAttachment attachment : service.networks()) {
            LocalNetwork net = local.get(attachment.networkId());
            if (net == null) {
                continue;
            }
            List<Backend> backends = backends(service, net, false);
            int vip = 0;
            if (service.endpointMode() == EndpointMode.VIP && attachment.vip() != null) {
                vip = Ipv4Address.parse(attachment.vip());
                IpKey key = new IpKey(net.vni(), vip);
                services.putIfAbsent(key, new VirtualService(service.id(), service.name(), net.networkId(), net.vni(), vip, backends,
                        service.lbScheduler()));
                arp.putIfAbsent(key, MacAddress.fromIpv4(vip));
            }
            // Docker serves no discovery on the ingress network: it only carries the mesh.
            if (!net.ingress()) {
                addDns(service, attachment, net, backends, vip);
            }
        }
        for (PublishedPort port : service.ports()) {
            PortMapping mapping = port.mode() == PublishMode.INGRESS ? ingressMapping(service, port) : hostMapping(service, port);
            if (mapping != null) {
                ports.putIfAbsent(new PortKey(port.protocol(), port.published()), mapping);
            }
        }
    }

    /** The service's reachable tasks with an endpoint on {@code net}; only this node's when {@code localOnly}. */
    private List<Backend> backends(Service service, LocalNetwork net, boolean localOnly) {
        List<Backend> backends = new ArrayList<>();
        for (Task task : view.tasksOf(service.id())) {
            if (!reachable(task) || (localOnly && !isLocal(task))) {
                continue;
            }
            endpointOn(task, net.networkId()).ifPresent(e -> backends.add(new Backend(task.id(), task.nodeId(),
                    Ipv4Address.parse(e.ip()), MacAddress.parse(e.mac()), vtep(task), isLocal(task),
                    task.state() == TaskState.RUNNING ? BackendState.ACTIVE : BackendState.DRAINING, weightOf(task))));
        }
        return backends;
    }

    /** The weight of the task's node; the default when the node's record is gone. */
    private int weightOf(Task task) {
        Node node = view.nodes().get(task.nodeId());
        return node == null ? Node.DEFAULT_LB_WEIGHT : node.weight();
    }

    private static Optional<TaskEndpoint> endpointOn(Task task, String networkId) {
        return task.endpoints().stream().filter(e -> e.networkId().equals(networkId)).findFirst();
    }

    /**
     * Docker's names (service, aliases, tasks.*, task names), each also as
     * {@code <name>.<network>}; PTR for every task address and for the VIP (Docker has none
     * for VIPs, moby#46701); SRV {@code _<published>._<proto>.<name>} for published ports.
     */
    private void addDns(Service service, NetworkAttachment attachment, LocalNetwork net, List<Backend> backends, int vip) {
        List<Integer> active = backends.stream().filter(Backend::active).map(Backend::ip).toList();
        List<String> names = new ArrayList<>();
        names.add(service.name());
        names.addAll(attachment.aliases());
        for (String name : names) {
            answer(net, name, vip != 0 ? List.of(vip) : active);
            answer(net, "tasks." + name, active);
        }
        List<DnsRecord.Srv> taskTargets = new ArrayList<>();
        for (Backend b : backends) {
            Task task = view.tasks().get(b.taskId());
            // Docker names a task <service>.<slot>.<task id>; a global service's task has the node for a slot.
            String slot = task.slot() > 0 ? Integer.toString(task.slot()) : task.nodeId();
            String taskName = service.name() + "." + slot + "." + task.id();
            answer(net, service.name() + "." + slot, List.of(b.ip()));
            answer(net, taskName, List.of(b.ip()));
            pointer(net, b.ip(), taskName + "." + net.name());
            if (b.active()) {
                taskTargets.add(new DnsRecord.Srv(0, taskName + "." + net.name()));
            }
        }
        if (vip != 0) {
            pointer(net, vip, service.name() + "." + net.name());
        }
        for (PublishedPort port : service.ports()) {
            List<DnsRecord.Srv> targets = vip != 0
                    ? List.of(new DnsRecord.Srv(port.target(), service.name() + "." + net.name()))
                    : taskTargets.stream().map(t -> new DnsRecord.Srv(port.target(), t.target())).toList();
            String prefix = "_" + port.published() + "._" + port.protocol().name().toLowerCase(Locale.ROOT) + ".";
            for (String name : names) {
                for (String qualified : List.of(name, name + "." + net.name())) {
                    if (!targets.isEmpty()) {
                        entry(net, prefix + qualified).services.addAll(targets);
                    }
                }
            }
        }
    }

    /** {@code name} and {@code <name>.<network>} answer with {@code addresses}; nothing for none. */
    private void answer(LocalNetwork net, String name, List<Integer> addresses) {
        if (addresses.isEmpty()) {
            return;
        }
        entry(net, name).addresses.addAll(addresses);
        entry(net, name + "." + net.name()).addresses.addAll(addresses);
    }

    private void pointer(LocalNetwork net, int ip, String name) {
        entry(net, reverseName(ip)).pointers.add(name.toLowerCase(Locale.ROOT));
    }

    private DnsAnswers entry(LocalNetwork net, String name) {
        return dns.computeIfAbsent(new DnsKey(net.networkId(), name.toLowerCase(Locale.ROOT)), k -> new DnsAnswers());
    }

    /** The PTR name of an IPv4 address, RFC 1035 section 3.5: {@code d.c.b.a.in-addr.arpa}. */
    static String reverseName(int ip) {
        return (ip & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + (ip >>> 24) + ".in-addr.arpa";
    }

    /** What one name collects while the view is walked. */
    private static final class DnsAnswers {
        final TreeSet<Integer> addresses = new TreeSet<>(UNSIGNED);
        final LinkedHashSet<String> pointers = new LinkedHashSet<>();
        final LinkedHashSet<DnsRecord.Srv> services = new LinkedHashSet<>();

        DnsRecord record() {
            return new DnsRecord(List.copyOf(addresses), List.copyOf(pointers), List.copyOf(services));
        }
    }

    /** Ingress mode: every node answers and forwards to any task over the ingress network. */
    private PortMapping ingressMapping(Service service, PublishedPort port) {
        Optional<Network> ingress = view.ingressNetwork();
        if (ingress.isEmpty() || local.get(ingress.get().id()) == null) {
            return new PortMapping(service.id(), service.name(), port.protocol(), port.published(), port.target(),
                    PublishMode.INGRESS, 0, 0, List.of());
        }
        LocalNetwork net = local.get(ingress.get().id());
        int vip = service.networks().stream()
                .filter(a -> a.networkId().equals(net.networkId()) && a.vip() != null)
                .findFirst().map(a -> Ipv4Address.parse(a.vip())).orElse(0);
        return new PortMapping(service.id(), service.name(), port.protocol(), port.published(), port.target(),
                PublishMode.INGRESS, net.vni(), vip, backends(service, net, false), port.proxied());
    }

    /**
     * Host mode: only a node running a task of the service answers, and forwards to its own
     * tasks, at their address on the service's first network this node has.
     */
    private PortMapping hostMapping(Service service, PublishedPort port) {
        for (NetworkAttachment attachment : service.networks()) {
            LocalNetwork net = local.get(attachment.networkId());
            if (net == null) {
                continue;
            }
            List<Backend> backends = backends(service, net, true);
            if (backends.isEmpty()) {
                return null;
            }
            return new PortMapping(service.id(), service.name(), port.protocol(), port.published(), port.target(),
                    PublishMode.HOST, net.vni(), 0, backends);
        }
        return null;
    }
}
