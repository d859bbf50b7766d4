package io.swarmnet.control.cluster;

import io.swarmnet.control.cluster.ClusterException.Reason;
import io.swarmnet.control.model.AllocCounter;
import io.swarmnet.control.model.ClusterConfig;
import io.swarmnet.control.model.CommitStamp;
import io.swarmnet.control.model.ContainerSpec;
import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkAttachment;
import io.swarmnet.control.model.NetworkUsers;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.model.PublishedPort;
import io.swarmnet.control.model.Reservation;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.ServiceMode;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.model.TaskState;
import io.swarmnet.control.node.NodeId;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Store;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;
import io.swarmnet.packet.MacAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The cluster's records in the {@link Store}, changed the way the swarm managers change
 * them: {@code network create|rm}, {@code service create|update|rm} and {@code init},
 * each allocating what it needs (VNIs, subnets, gateways, VIPs, task addresses and MACs,
 * published ports) and placing tasks.
 *
 * <p>Every change reads all of the cluster state at one revision, decides, and commits
 * its writes together with the conditions its decision rested on; when another writer
 * got there first, nothing is written and it decides again from a fresh read, at most
 * {@value #MAX_ATTEMPTS} times. Nothing is ever written from a plain read. Thread-safe:
 * it holds no state but the store.
 */
public final class ClusterStore {
    public static final int MAX_ATTEMPTS = 32;

    // A service name is a DNS label: it is what tasks resolve the service by.
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern NETWORK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern DNS_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final int MIN_MTU = 68;
    private static final int MAX_SUBNET_PREFIX = 30;

    private final Store store;

    public ClusterStore(Store store) {
        this.store = store;
    }

    public Store store() {
        return store;
    }

    /** All cluster state at one revision. */
    public ClusterSnapshot read() {
        return ClusterSnapshot.read(store);
    }

    /**
     * Records the allocation settings and creates the ingress network, once per cluster,
     * like {@code docker swarm init}.
     *
     * @return the ingress network
     * @throws ClusterException ALREADY_INITIALIZED on a second run, or as network creation fails
     */
    public Network init(InitSpec spec) {
        List<Ipv4Subnet> pools = new ArrayList<>();
        for (String pool : spec.defaultAddrPools()) {
            pools.add(subnet(pool));
        }
        for (Ipv4Subnet pool : pools) {
            if (spec.subnetSize() < pool.prefixLength() || spec.subnetSize() > MAX_SUBNET_PREFIX) {
                throw new ClusterException(Reason.INVALID, "invalid subnet size /" + spec.subnetSize() + " for pool " + pool
                        + ": it must be /" + pool.prefixLength() + " to /" + MAX_SUBNET_PREFIX);
            }
        }
        Ipv4Subnet ingress = overlaySubnet(spec.ingressSubnet());
        ClusterConfig config = new ClusterConfig(ClusterConfig.SCHEMA_VERSION, pools.stream().map(Ipv4Subnet::toString).toList(),
                spec.subnetSize(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        NetworkSpec ingressSpec = NetworkSpec.named(InitSpec.INGRESS_NAME).withSubnet(ingress.toString()).asIngress();
        return transact("initialize the cluster", alloc -> {
            ClusterSnapshot snap = alloc.snapshot();
            if (snap.initialized()) {
                String ingressNow = snap.ingress().map(n -> "its ingress network is " + n.name() + " (" + n.subnet() + ")")
                        .orElse("it has no ingress network; create one with 'swarmnet network create --ingress --subnet CIDR NAME'");
                throw new ClusterException(Reason.ALREADY_INITIALIZED, "the cluster at " + store.address()
                        + " is already initialized: " + ingressNow);
            }
            alloc.plan().create(AllocKeys.CLUSTER, config);
            return planNetwork(alloc, ingressSpec, ingress, null);
        });
    }

    /**
     * Creates an overlay network, allocating its VNI, its subnet (unless given) and gateway.
     *
     * @throws ClusterException INVALID, NAME_TAKEN, SUBNET_OVERLAP or POOL_EXHAUSTED
     */
    public Network createNetwork(NetworkSpec spec) {
        if (!NETWORK_NAME.matcher(spec.name()).matches()) {
            throw new ClusterException(Reason.INVALID, "invalid network name \"" + spec.name()
                    + "\": use up to 63 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        Ipv4Subnet subnet = spec.subnet() == null ? null : overlaySubnet(spec.subnet());
        Integer gateway = null;
        if (spec.gateway() != null) {
            if (subnet == null) {
                throw new ClusterException(Reason.INVALID, "gateway " + spec.gateway() + " needs a subnet: give --subnet too");
            }
            try {
                gateway = Ipv4Address.parse(spec.gateway());
            } catch (IllegalArgumentException e) {
                throw new ClusterException(Reason.INVALID, "invalid gateway: " + e.getMessage());
            }
            if (!subnet.contains(gateway) || gateway == subnet.network() || gateway == subnet.broadcast()) {
                throw new ClusterException(Reason.INVALID, "gateway " + spec.gateway() + " is not a host address of subnet " + subnet);
            }
        }
        if (spec.mtu() != 0 && (spec.mtu() < MIN_MTU || spec.mtu() > 65535)) {
            throw new ClusterException(Reason.INVALID, "invalid MTU " + spec.mtu() + ": it must be " + MIN_MTU + "-65535");
        }
        checkLabels(spec.labels());
        Integer gw = gateway;
        return transact("create network " + spec.name(), alloc -> planNetwork(alloc, spec, subnet, gw));
    }

    private Network planNetwork(Allocation alloc, NetworkSpec spec, Ipv4Subnet requested, Integer gateway) {
        ClusterSnapshot snap = alloc.snapshot();
        Plan plan = alloc.plan();
        if (snap.contains(AllocKeys.networkName(spec.name()))
                || snap.networks().stream().anyMatch(n -> n.name().equals(spec.name()))) {
            throw new ClusterException(Reason.NAME_TAKEN, "network with name " + spec.name() + " already exists");
        }
        if (spec.ingress()) {
            Optional<Network> existing = snap.ingress();
            if (existing.isPresent() || snap.contains(AllocKeys.INGRESS)) {
                throw new ClusterException(Reason.INVALID, "an ingress network already exists: "
                        + existing.map(n -> n.name() + " (" + n.subnet() + ")").orElse("?")
                        + "; a cluster has one, remove it first to replace it");
            }
        }
        String id = NodeId.generate();
        int vni = alloc.vni(id);
        Ipv4Subnet subnet = alloc.subnet(id, requested);
        int gw = gateway != null ? gateway : subnet.first();
        alloc.reserveIp(id, gw, Reservation.of(Reservation.GATEWAY, id));
        Network network = new Network(Network.SCHEMA_VERSION, id, spec.name(), Network.DRIVER_OVERLAY, vni, subnet.toString(),
                Ipv4Address.toString(gw), spec.mtu(), spec.attachable(), spec.internal(), spec.ingress(), spec.encrypted(), spec.labels());
        plan.create(Keys.network(id), network);
        plan.create(AllocKeys.networkName(spec.name()), Reservation.of(Reservation.NETWORK, id));
        plan.create(AllocKeys.networkUsers(id), NetworkUsers.none());
        if (spec.ingress()) {
            plan.create(AllocKeys.INGRESS, Reservation.of(Reservation.NETWORK, id));
        }
        return network;
    }

    /**
     * Removes a network and frees everything allocated for it.
     *
     * @return the removed network
     * @throws ClusterException NOT_FOUND, AMBIGUOUS, or IN_USE naming the services attached
     */
    public Network removeNetwork(String ref) {
        return transact("remove network " + ref, alloc -> {
            ClusterSnapshot snap = alloc.snapshot();
            Plan plan = alloc.plan();
            Network network = snap.network(ref);
            String usersKey = AllocKeys.networkUsers(network.id());
            Set<String> users = new LinkedHashSet<>(snap.value(usersKey, NetworkUsers.class)
                    .map(NetworkUsers::services).orElse(List.of()));
            snap.services().stream()
                    .filter(s -> s.networks().stream().anyMatch(a -> a.networkId().equals(network.id())))
                    .forEach(s -> users.add(s.id()));
            if (!users.isEmpty()) {
                List<String> names = users.stream().map(alloc::serviceName).sorted().toList();
                throw new ClusterException(Reason.IN_USE, "network " + network.name() + " is in use by service"
                        + (names.size() == 1 ? " " : "s ") + String.join(", ", names));
            }
            plan.require(Keys.network(network.id()), snap.modRevision(Keys.network(network.id())));
            plan.require(usersKey, snap.modRevision(usersKey));
            plan.delete(Keys.network(network.id()));
            plan.delete(usersKey);
            deleteIfOwned(alloc, AllocKeys.networkName(network.name()), network.id());
            deleteIfOwned(alloc, AllocKeys.vni(network.vni()), network.id());
            deleteIfOwned(alloc, AllocKeys.subnet(Ipv4Subnet.parse(network.subnet())), network.id());
            deleteIfOwned(alloc, AllocKeys.INGRESS, network.id());
            snap.under(AllocKeys.ips(network.id())).keySet().forEach(plan::delete);
            return network;
        });
    }

    /**
     * Gives a node its endpoint on the ingress network (Docker's ingress-sbox address): the
     * lowest free address, reserved like a task's, with the MAC derived from it, written
     * into the node's record. A node that has one on the current ingress network keeps it;
     * one left on a removed ingress network is replaced.
     *
     * @return the node's ingress endpoint, or empty when the cluster has no ingress network
     * @throws ClusterException NOT_FOUND for an unknown node, POOL_EXHAUSTED when the ingress subnet is full
     */
    public Optional<TaskEndpoint> ensureIngressEndpoint(String nodeId) {
        return transact("allocate the ingress endpoint of node " + nodeId, alloc -> {
            ClusterSnapshot snap = alloc.snapshot();
            Optional<Network> ingress = snap.ingress();
            if (ingress.isEmpty()) {
                return Optional.<TaskEndpoint>empty();
            }
            Node node = snap.nodeById(nodeId).orElseThrow(() -> new ClusterException(Reason.NOT_FOUND, "no node " + nodeId));
            if (node.ingress() != null && node.ingress().networkId().equals(ingress.get().id())) {
                return Optional.of(node.ingress());
            }
            Plan plan = alloc.plan();
            String key = Keys.node(nodeId);
            plan.require(key, snap.modRevision(key));
            int ip = alloc.ip(ingress.get(), Reservation.of(Reservation.NODE, nodeId));
            TaskEndpoint endpoint = new TaskEndpoint(ingress.get().id(), Ipv4Address.toString(ip),
                    MacAddress.toString(MacAddress.fromIpv4(ip)));
            plan.put(key, node.withIngress(endpoint));
            return Optional.of(endpoint);
        });
    }

    /**
     * Sets the weight of node {@code ref}'s tasks under weighted round-robin (1 to
     * {@link Node#MAX_LB_WEIGHT}); every agent rebuilds its load balancer's tables from the
     * changed record, so new flows follow at once and open flows keep their task.
     *
     * @return the node's record as written
     * @throws ClusterException INVALID for a weight out of range, NOT_FOUND or AMBIGUOUS for the reference
     */
    public Node setNodeWeight(String ref, int weight) {
        if (weight < 1 || weight > Node.MAX_LB_WEIGHT) {
            throw new ClusterException(Reason.INVALID, "weight " + weight + " is outside 1.." + Node.MAX_LB_WEIGHT);
        }
        return transact("set the weight of node " + ref, alloc -> {
            ClusterSnapshot snap = alloc.snapshot();
            Node node = snap.node(ref).node();
            String key = Keys.node(node.id());
            Node updated = node.withLbWeight(weight == Node.DEFAULT_LB_WEIGHT ? null : weight);
            alloc.plan().require(key, snap.modRevision(key));
            alloc.plan().put(key, updated);
            return updated;
        });
    }

    private static void deleteIfOwned(Allocation alloc, String key, String ownerId) {
        Optional<Reservation> r = alloc.snapshot().value(key, Reservation.class);
        if (r.isPresent() && r.get().id().equals(ownerId)) {
            alloc.plan().delete(key);
        }
    }

    /**
     * Creates a service: reserves its name, VIPs and published ports, joins its networks
     * (and the ingress network when it publishes in ingress mode), and places its tasks.
     *
     * @throws ClusterException INVALID, NOT_FOUND, NAME_TAKEN, PORT_IN_USE, PORT_RANGE_EXHAUSTED,
     *                          POOL_EXHAUSTED or NO_SUITABLE_NODE; nothing is created then, unless
     *                          the tasks needed more than one transaction and a later one failed
     */
    public Service createService(ServiceSpec spec) {
        validate(spec);
        Step created = transact("create service " + spec.name(), alloc -> {
            ClusterSnapshot snap = alloc.snapshot();
            Plan plan = alloc.plan();
            if (snap.contains(AllocKeys.serviceName(spec.name()))
                    || snap.services().stream().anyMatch(s -> s.name().equals(spec.name()))) {
                throw new ClusterException(Reason.NAME_TAKEN, "service " + spec.name() + " already exists");
            }
            String id = NodeId.generate();
            alloc.nameService(id, spec.name());
            List<NetworkAttachment> attachments = new ArrayList<>();
            Set<String> joined = new HashSet<>();
            boolean ingressPorts = spec.ports().stream().anyMatch(p -> p.mode() == PublishMode.INGRESS);
            if (ingressPorts) {
                Network ingress = ingressNetwork(snap, spec.ports());
                attachments.add(new NetworkAttachment(ingress.id(), List.of(), null));
                joined.add(ingress.id());
            }
            for (NetworkRequest request : spec.networks()) {
                Network network = snap.network(request.network());
                if (network.ingress()) {
                    throw new ClusterException(Reason.INVALID, "service cannot be explicitly attached to the ingress network \""
                            + network.name() + "\"");
                }
                if (!joined.add(network.id())) {
                    throw new ClusterException(Reason.INVALID, "service " + spec.name() + " joins network " + network.name() + " twice");
                }
                attachments.add(new NetworkAttachment(network.id(), request.aliases(), null));
            }
            List<PublishedPort> ports = new ArrayList<>();
            for (PortRequest p : spec.ports()) {
                ports.add(publish(alloc, p, id));
            }
            checkHostPortsHaveEgress(snap, spec.name(), attachments, ports);
            attachments = withVips(alloc, attachments, spec.endpointMode(), id);
            Service service = new Service(Service.SCHEMA_VERSION, id, spec.name(), spec.mode(),
                    spec.mode() == ServiceMode.GLOBAL ? 0 : spec.replicas(), spec.endpointMode(), attachments, ports,
                    spec.command(), spec.labels(), spec.lbScheduler(), spec.container());
            plan.create(Keys.service(id), service);
            plan.create(AllocKeys.serviceName(spec.name()), Reservation.of(Reservation.SERVICE, id));
            plan.create(AllocKeys.serviceTasks(id), AllocCounter.of(0));
            for (NetworkAttachment a : attachments) {
                alloc.attach(a.networkId(), id, true);
            }
            return new Step(service, new TaskReconciler(alloc).converge(service, false));
        });
        return finishTasks(created);
    }

    /**
     * Changes a service's replicas, endpoint mode or published ports and brings its tasks in
     * line: adds or removes tasks, (de)allocates VIPs, joins or leaves the ingress network.
     *
     * @throws ClusterException as {@link #createService} does
     */
    public Service updateService(String ref, ServiceUpdate update) {
        if (update.replicas() != null && update.replicas() < 0) {
            throw new ClusterException(Reason.INVALID, "invalid replicas value " + update.replicas() + ": it must be 0 or more");
        }
        for (PortRequest p : update.publishAdd()) {
            validatePort(p);
        }
        Step updated = transact("update service " + ref, alloc -> {
            ClusterSnapshot snap = alloc.snapshot();
            Service current = snap.service(ref);
            if (update.replicas() != null && current.mode() == ServiceMode.GLOBAL) {
                throw new ClusterException(Reason.INVALID, "replicas can only be used with replicated mode");
            }
            EndpointMode endpointMode = update.endpointMode() != null ? update.endpointMode() : current.endpointMode();
            List<PublishedPort> ports = new ArrayList<>(current.ports());
            for (PortRequest selector : update.publishRm()) {
                List<PublishedPort> matched = ports.stream().filter(selector::selects).toList();
                if (matched.isEmpty()) {
                    throw new ClusterException(Reason.NOT_FOUND, "service " + current.name() + " publishes no port matching "
                            + selector.toString().replace(" (host mode)", ""));
                }
                ports.removeAll(matched);
                matched.stream().filter(p -> p.mode() == PublishMode.INGRESS)
                        .forEach(p -> alloc.freeIngressPort(p.protocol(), p.published()));
            }
            for (PortRequest add : update.publishAdd()) {
                if (add.published() != 0 && ports.stream().anyMatch(p -> p.published() == add.published() && p.protocol() == add.protocol())) {
                    throw new ClusterException(Reason.PORT_IN_USE, "port " + add.published() + "/" + add.protocol().label()
                            + " is already published by service " + current.name());
                }
                ports.add(publish(alloc, add, current.id()));
            }
            checkEndpointMode(endpointMode, ports);
            List<NetworkAttachment> attachments = new ArrayList<>(current.networks());
            checkHostPortsHaveEgress(snap, current.name(), attachments, ports);
            Optional<Network> ingress = snap.ingress();
            boolean wantsIngress = ports.stream().anyMatch(p -> p.mode() == PublishMode.INGRESS);
            boolean hasIngress = ingress.isPresent() && attachments.stream().anyMatch(a -> a.networkId().equals(ingress.get().id()));
            if (wantsIngress && !hasIngress) {
                Network network = ingressNetwork(snap, update.publishAdd());
                attachments.add(0, new NetworkAttachment(network.id(), List.of(), null));
                alloc.attach(network.id(), current.id(), true);
            } else if (!wantsIngress && hasIngress) {
                NetworkAttachment leaving = attachments.stream().filter(a -> a.networkId().equals(ingress.get().id())).findFirst().orElseThrow();
                attachments.remove(leaving);
                if (leaving.vip() != null) {
                    alloc.freeIp(leaving.networkId(), Ipv4Address.parse(leaving.vip()));
                }
                alloc.attach(leaving.networkId(), current.id(), false);
            }
            attachments = withVips(alloc, attachments, endpointMode, current.id());
            Service service = new Service(current.version(), current.id(), current.name(), current.mode(),
                    update.replicas() != null ? update.replicas() : current.replicas(), endpointMode, attachments, ports,
                    current.command(), current.labels(),
                    update.lbScheduler() != null ? update.lbScheduler() : current.lbScheduler(),
                    update.image() == null ? current.container() : withImage(current, update.image()));
            alloc.plan().put(Keys.service(current.id()), service);
            return new Step(service, new TaskReconciler(alloc).converge(service, false));
        });
        return finishTasks(updated);
    }

    private static ContainerSpec withImage(Service current, String image) {
        if (current.container() == null) {
            throw new ClusterException(Reason.INVALID, "service " + current.name() + " runs host commands, not containers: "
                    + "it has no image to update");
        }
        if (image.isBlank()) {
            throw new ClusterException(Reason.INVALID, "invalid image '': give an image reference such as nginx:1.25");
        }
        return current.container().withImage(image);
    }

    /**
     * Removes a service and its tasks and frees everything allocated for them.
     *
     * @return the removed service
     * @throws ClusterException NOT_FOUND or AMBIGUOUS
     */
    public Service removeService(String ref) {
        Service service = read().service(ref);
        while (true) {
            Step step = transact("remove service " + service.name(), alloc -> {
                Optional<Service> current = alloc.snapshot().serviceById(service.id());
                if (current.isEmpty()) {
                    return new Step(service, true);
                }
                Service s = current.get();
                boolean tasksGone = new TaskReconciler(alloc).converge(s, true);
                int cost = 4 + 2 * s.networks().size() + s.ports().size();
                if (!tasksGone || !alloc.plan().fits(cost)) {
                    return new Step(s, false);
                }
                Plan plan = alloc.plan();
                plan.delete(Keys.service(s.id()));
                plan.delete(AllocKeys.serviceTasks(s.id()));
                deleteIfOwned(alloc, AllocKeys.serviceName(s.name()), s.id());
                for (NetworkAttachment a : s.networks()) {
                    if (a.vip() != null) {
                        alloc.freeIp(a.networkId(), Ipv4Address.parse(a.vip()));
                    }
                    alloc.attach(a.networkId(), s.id(), false);
                }
                for (PublishedPort p : s.ports()) {
                    if (p.mode() == PublishMode.INGRESS) {
                        deleteIfOwned(alloc, AllocKeys.ingressPort(p.protocol(), p.published()), s.id());
                    }
                }
                return new Step(s, true);
            });
            if (step.done()) {
                return step.service();
            }
        }
    }

    /**
     * Scales a replicated service down to {@code replicas} in two steps, as swarm stops a
     * task only after its grace period: this first step sets the replicas and drains the
     * tasks no longer wanted (the highest slots): they take no new flows and leave the
     * DNS answers, while their open connections go on. {@link #updateService} with the
     * same replicas, after the grace period, removes them.
     *
     * @return the tasks now draining, by slot
     * @throws ClusterException NOT_FOUND, AMBIGUOUS, or INVALID for a global service or more replicas than now
     */
    public List<Task> drainToReplicas(String ref, int replicas) {
        Step drained = transact("drain tasks of service " + ref, alloc -> {
            Service current = alloc.snapshot().service(ref);
            if (current.mode() == ServiceMode.GLOBAL) {
                throw new ClusterException(Reason.INVALID, "replicas can only be used with replicated mode");
            }
            if (replicas < 0 || replicas > current.replicas()) {
                throw new ClusterException(Reason.INVALID, "draining scales down: " + replicas + " is not 0-"
                        + current.replicas());
            }
            Service service = current.withReplicas(replicas);
            alloc.plan().put(Keys.service(current.id()), service);
            return new Step(service, new TaskReconciler(alloc).draining().converge(service, false));
        });
        String id = drained.service().id();
        return read().tasks().stream().filter(t -> t.serviceId().equals(id) && t.state() == TaskState.DRAINING)
                .sorted(Comparator.comparingInt(Task::slot)).toList();
    }

    /** What one transaction of a multi-step change left: the service as written, and whether it is all done. */
    private record Step(Service service, boolean done) {
    }

    private Service finishTasks(Step step) {
        Step current = step;
        while (!current.done()) {
            String id = current.service().id();
            String name = current.service().name();
            current = transact("place the tasks of service " + name, alloc -> {
                Service s = alloc.snapshot().serviceById(id).orElseThrow(() -> new ClusterException(Reason.NOT_FOUND,
                        "service " + name + " was removed while its tasks were being placed"));
                return new Step(s, new TaskReconciler(alloc).converge(s, false));
            });
        }
        return current.service();
    }

    /**
     * Refuses host-mode ports on a service whose every network is internal: its tasks get
     * no gwbridge interface, the only address a host-mode port can forward to.
     */
    private static void checkHostPortsHaveEgress(ClusterSnapshot snap, String service, List<NetworkAttachment> attachments,
                                                 List<PublishedPort> ports) {
        Optional<PublishedPort> host = ports.stream().filter(p -> p.mode() == PublishMode.HOST).findFirst();
        boolean allInternal = !attachments.isEmpty() && attachments.stream().map(a -> snap.networkById(a.networkId()))
                .allMatch(n -> n.isPresent() && n.get().internal());
        if (host.isPresent() && allInternal) {
            throw new ClusterException(Reason.INVALID, "service " + service + " cannot publish port " + host.get().published()
                    + "/" + host.get().protocol().label() + " in host mode: every network it joins is internal, so its tasks"
                    + " have no gwbridge interface for the node to forward to; join a non-internal network too");
        }
    }

    private static Network ingressNetwork(ClusterSnapshot snap, List<PortRequest> ports) {
        PortRequest first = ports.stream().filter(p -> p.mode() == PublishMode.INGRESS).findFirst().orElseThrow();
        return snap.ingress().orElseThrow(() -> new ClusterException(Reason.NOT_FOUND,
                "there is no ingress network to publish port " + (first.published() == 0 ? "" : first.published() + "->")
                        + first.target() + "/" + first.protocol().label() + " on: run 'swarmnet init' first"));
    }

    private static PublishedPort publish(Allocation alloc, PortRequest request, String serviceId) {
        if (request.mode() == PublishMode.INGRESS) {
            int published = alloc.ingressPort(request.protocol(), request.published(), serviceId);
            return new PublishedPort(request.protocol(), request.target(), published, PublishMode.INGRESS,
                    request.proxyProtocol());
        }
        alloc.checkHostPortAgainstIngress(request.protocol(), request.published());
        return new PublishedPort(request.protocol(), request.target(), request.published(), PublishMode.HOST);
    }

    /** Gives every attachment a VIP in vip mode and takes them away in dnsrr mode. */
    private static List<NetworkAttachment> withVips(Allocation alloc, List<NetworkAttachment> attachments, EndpointMode mode,
                                                    String serviceId) {
        List<NetworkAttachment> result = new ArrayList<>(attachments.size());
        for (NetworkAttachment a : attachments) {
            if (mode == EndpointMode.VIP && a.vip() == null) {
                Network network = alloc.snapshot().networkById(a.networkId()).orElseThrow(() -> new ClusterException(
                        Reason.NOT_FOUND, "network " + a.networkId() + " not found"));
                int vip = alloc.ip(network, Reservation.of(Reservation.VIP, serviceId));
                result.add(new NetworkAttachment(a.networkId(), a.aliases(), Ipv4Address.toString(vip)));
            } else if (mode == EndpointMode.DNSRR && a.vip() != null) {
                alloc.freeIp(a.networkId(), Ipv4Address.parse(a.vip()));
                result.add(new NetworkAttachment(a.networkId(), a.aliases(), null));
            } else {
                result.add(a);
            }
        }
        return result;
    }

    private static void validate(ServiceSpec spec) {
        if (!SERVICE_NAME.matcher(spec.name()).matches()) {
            throw new ClusterException(Reason.INVALID, "invalid service name \"" + spec.name()
                    + "\": a service name is a DNS label, up to 63 letters, digits or '-', starting and ending with a letter or digit");
        }
        if (spec.replicas() < 0) {
            throw new ClusterException(Reason.INVALID, "invalid replicas value " + spec.replicas() + ": it must be 0 or more");
        }
        for (NetworkRequest n : spec.networks()) {
            for (String alias : n.aliases()) {
                if (alias.length() > 253 || !DNS_NAME.matcher(alias).matches()) {
                    throw new ClusterException(Reason.INVALID, "invalid alias \"" + alias + "\": an alias is a DNS name");
                }
            }
        }
        Set<String> published = new HashSet<>();
        for (PortRequest p : spec.ports()) {
            validatePort(p);
            if (p.published() != 0 && !published.add(p.published() + "/" + p.protocol().label())) {
                throw new ClusterException(Reason.INVALID, "port " + p.published() + "/" + p.protocol().label() + " is published twice");
            }
        }
        checkEndpointMode(spec.endpointMode(), spec.ports().stream()
                .map(p -> new PublishedPort(p.protocol(), p.target(), p.published() == 0 ? 1 : p.published(), p.mode())).toList());
        checkLabels(spec.labels());
    }

    private static void validatePort(PortRequest p) {
        if (p.protocol() == null || p.mode() == null) {
            throw new ClusterException(Reason.INVALID, "a published port needs a protocol and a mode");
        }
        if (p.target() < 1 || p.target() > 65535) {
            throw new ClusterException(Reason.INVALID, "invalid target port " + p.target() + ": it must be 1-65535");
        }
        if (p.published() < 0 || p.published() > 65535) {
            throw new ClusterException(Reason.INVALID, "invalid published port " + p.published() + ": it must be 1-65535");
        }
        if (p.mode() == PublishMode.HOST && p.published() == 0) {
            throw new ClusterException(Reason.INVALID, "port " + p.target() + "/" + p.protocol().label()
                    + " in host mode needs a published port (published=PORT)");
        }
        if (p.proxyProtocol() != null) {
            if (!p.proxyProtocol().equals(PublishedPort.PROXY_V2)) {
                throw new ClusterException(Reason.INVALID, "invalid proxy-protocol '" + p.proxyProtocol() + "': only v2 is supported");
            }
            if (p.protocol() != PortProtocol.TCP || p.mode() != PublishMode.INGRESS) {
                throw new ClusterException(Reason.INVALID,
                        "proxy-protocol=v2 needs protocol=tcp and mode=ingress (host mode keeps the client's address anyway)");
            }
        }
    }

    private static void checkEndpointMode(EndpointMode mode, List<PublishedPort> ports) {
        if (mode == EndpointMode.DNSRR && ports.stream().anyMatch(p -> p.mode() == PublishMode.INGRESS)) {
            throw new ClusterException(Reason.INVALID, "port published with ingress mode can't be used with dnsrr mode");
        }
    }

    private static void checkLabels(Map<String, String> labels) {
        for (String key : labels.keySet()) {
            if (key.isBlank()) {
                throw new ClusterException(Reason.INVALID, "invalid label: empty key");
            }
        }
    }

    private static Ipv4Subnet subnet(String text) {
        try {
            return Ipv4Subnet.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ClusterException(Reason.INVALID, e.getMessage());
        }
    }

    private static Ipv4Subnet overlaySubnet(String text) {
        Ipv4Subnet subnet = subnet(text);
        if (subnet.prefixLength() > MAX_SUBNET_PREFIX) {
            throw new ClusterException(Reason.INVALID, "invalid subnet " + subnet + ": an overlay subnet needs room for a gateway and a task, /"
                    + MAX_SUBNET_PREFIX + " at the smallest");
        }
        return subnet;
    }

    /** Reads, decides and commits, again from a fresh read while other writers get in between. */
    private <T> T transact(String what, Function<Allocation, T> decide) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Allocation alloc = new Allocation(read());
            T result = decide.apply(alloc);
            // A plan filled to etcd's limit goes without its stamp: the lag metric misses one
            // sample rather than the change failing.
            if (alloc.plan().hasOperations() && alloc.plan().fits(1)) {
                alloc.plan().put(Keys.COMMIT_STAMP, new CommitStamp(System.currentTimeMillis()));
            }
            if (!alloc.plan().hasOperations() || store.commit(alloc.plan().transaction()).succeeded()) {
                return result;
            }
            backOff(attempt);
        }
        throw new ClusterException(Reason.CONFLICT, "cannot " + what + ": other changes to the cluster kept getting in the way for "
                + MAX_ATTEMPTS + " attempts; try again");
    }

    /** Random, growing pauses, so writers that collided do not collide again in step. */
    private static void backOff(int attempt) {
        long bound = Math.min(200, 2L << Math.min(attempt, 7));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(bound));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(Reason.CONFLICT, "interrupted while retrying");
        }
    }
}
