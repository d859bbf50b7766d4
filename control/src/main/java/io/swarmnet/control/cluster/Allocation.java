package io.swarmnet.control.cluster;

import io.swarmnet.control.cluster.ClusterException.Reason;
import io.swarmnet.control.model.AllocCounter;
import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkUsers;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.Reservation;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One allocation attempt: decides from one {@link ClusterSnapshot} and writes its
 * decisions, with the conditions they rest on, into one {@link Plan}.
 *
 * <p>Every reservation is created with "key absent" as its condition, so two attempts
 * can never both commit the same name, VNI, subnet, address or port. Checks that are not
 * about one key (does a subnet overlap any other? is a port used in the other mode on
 * some node?) add the condition "guard key unchanged" and rewrite the guard, so any two
 * attempts making such checks conflict and one of them decides again. Freed keys stay
 * taken until the plan commits: a key cannot be deleted and re-created in one transaction.
 */
final class Allocation {
    private static final Logger LOG = LoggerFactory.getLogger(Allocation.class);

    static final int FIRST_VNI = 4096;
    static final int LAST_VNI = 0xFFFFFF;
    static final int FIRST_DYNAMIC_PORT = 30000;
    static final int LAST_DYNAMIC_PORT = 32767;

    private final ClusterSnapshot snapshot;
    private final Plan plan = new Plan();
    private final Map<String, Set<Integer>> takenIps = new HashMap<>();
    private final Set<Integer> plannedVnis = new HashSet<>();
    private final Map<Ipv4Subnet, String> plannedSubnets = new LinkedHashMap<>();
    private final Map<String, Reservation> plannedPorts = new HashMap<>();
    private final Map<String, String> plannedServiceNames = new HashMap<>();
    private final Map<String, NetworkUsers> users = new HashMap<>();
    private Long vniCursor;
    private boolean subnetsGuarded;
    private boolean portsGuarded;
    private boolean configRead;

    Allocation(ClusterSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    ClusterSnapshot snapshot() {
        return snapshot;
    }

    Plan plan() {
        return plan;
    }

    /** Lets messages name a service this plan creates. */
    void nameService(String serviceId, String name) {
        plannedServiceNames.put(serviceId, name);
    }

    String serviceName(String serviceId) {
        String planned = plannedServiceNames.get(serviceId);
        return planned != null ? planned : snapshot.serviceById(serviceId).map(Service::name).orElse(serviceId);
    }

    String hostname(String nodeId) {
        return snapshot.nodeById(nodeId).map(Node::hostname).orElse(nodeId);
    }

    /** The next free VNI after the last one handed out, wrapping from 16777215 to 4096, as Docker allocates them. */
    int vni(String networkId) {
        if (vniCursor == null) {
            plan.require(AllocKeys.VNI_CURSOR, snapshot.modRevision(AllocKeys.VNI_CURSOR));
            vniCursor = snapshot.value(AllocKeys.VNI_CURSOR, AllocCounter.class).map(AllocCounter::value)
                    .orElse((long) FIRST_VNI - 1);
        }
        long candidate = vniCursor;
        for (long tried = 0; tried <= LAST_VNI - FIRST_VNI; tried++) {
            candidate = candidate >= LAST_VNI || candidate < FIRST_VNI - 1 ? FIRST_VNI : candidate + 1;
            int vni = (int) candidate;
            if (!snapshot.contains(AllocKeys.vni(vni)) && !plannedVnis.contains(vni)) {
                plannedVnis.add(vni);
                plan.create(AllocKeys.vni(vni), Reservation.of(Reservation.NETWORK, networkId));
                plan.put(AllocKeys.VNI_CURSOR, AllocCounter.of(vni));
                vniCursor = candidate;
                return vni;
            }
        }
        throw new ClusterException(Reason.POOL_EXHAUSTED, "no VNI left in " + FIRST_VNI + "-" + LAST_VNI);
    }

    /**
     * Reserves {@code requested}, or the first free subnet of the default address pool
     * when it is null.
     *
     * @throws ClusterException SUBNET_OVERLAP naming the network in the way, or POOL_EXHAUSTED
     */
    Ipv4Subnet subnet(String networkId, Ipv4Subnet requested) {
        if (!subnetsGuarded) {
            long changes = snapshot.value(AllocKeys.SUBNET_GUARD, AllocCounter.class).map(AllocCounter::value).orElse(0L);
            plan.require(AllocKeys.SUBNET_GUARD, snapshot.modRevision(AllocKeys.SUBNET_GUARD));
            plan.put(AllocKeys.SUBNET_GUARD, AllocCounter.of(changes + 1));
            subnetsGuarded = true;
        }
        Map<Ipv4Subnet, String> existing = existingSubnets();
        Ipv4Subnet chosen;
        if (requested != null) {
            for (Map.Entry<Ipv4Subnet, String> e : existing.entrySet()) {
                if (e.getKey().overlaps(requested)) {
                    throw new ClusterException(Reason.SUBNET_OVERLAP, "subnet " + requested + " overlaps with network "
                            + networkName(e.getValue()) + " (" + e.getKey() + ")");
                }
            }
            chosen = requested;
        } else {
            chosen = fromPool(existing);
        }
        plannedSubnets.put(chosen, networkId);
        plan.create(AllocKeys.subnet(chosen), Reservation.of(Reservation.NETWORK, networkId));
        return chosen;
    }

    private Ipv4Subnet fromPool(Map<Ipv4Subnet, String> existing) {
        if (!configRead) {
            plan.require(AllocKeys.CLUSTER, snapshot.modRevision(AllocKeys.CLUSTER));
            configRead = true;
        }
        var config = snapshot.config();
        int size = config.subnetSize();
        List<Ipv4Subnet> taken = new ArrayList<>(existing.keySet());
        for (String text : config.defaultAddrPools()) {
            Ipv4Subnet pool = Ipv4Subnet.parse(text);
            if (size < pool.prefixLength()) {
                continue;
            }
            long count = 1L << (size - pool.prefixLength());
            for (long i = 0; i < count; i++) {
                Ipv4Subnet candidate = pool.child(size, i);
                Ipv4Subnet blocker = null;
                for (Ipv4Subnet t : taken) {
                    if (t.overlaps(candidate)) {
                        blocker = t;
                        break;
                    }
                }
                if (blocker == null) {
                    return candidate;
                }
                // Skip every candidate the blocker covers in one step.
                if (blocker.prefixLength() < size) {
                    long end = Integer.toUnsignedLong(blocker.broadcast());
                    i = Math.max(i, (end - Integer.toUnsignedLong(pool.network())) >>> (32 - size));
                }
            }
        }
        throw new ClusterException(Reason.POOL_EXHAUSTED, "no free /" + size + " subnet left in the default address pool "
                + String.join(", ", config.defaultAddrPools()) + "; give one with --subnet");
    }

    /** The reserved subnets and their networks: the guarded reservation keys plus this plan's. */
    private Map<Ipv4Subnet, String> existingSubnets() {
        Map<Ipv4Subnet, String> subnets = new LinkedHashMap<>();
        for (KeyValue kv : snapshot.under(AllocKeys.SUBNETS).values()) {
            String form = kv.key().substring(AllocKeys.SUBNETS.length()).replace('-', '/');
            try {
                subnets.put(Ipv4Subnet.parse(form), reservation(kv).map(Reservation::id).orElse("?"));
            } catch (IllegalArgumentException e) {
                LOG.warn("ignoring malformed subnet reservation {}", kv.key());
            }
        }
        // A network record whose reservation is missing still occupies its subnet.
        for (Network n : snapshot.networks()) {
            try {
                subnets.putIfAbsent(Ipv4Subnet.parse(n.subnet()), n.id());
            } catch (IllegalArgumentException e) {
                LOG.warn("network {} has a malformed subnet {}", n.id(), n.subnet());
            }
        }
        subnets.putAll(plannedSubnets);
        return subnets;
    }

    private String networkName(String networkId) {
        return snapshot.networkById(networkId).map(Network::name).orElse(networkId);
    }

    /** Reserves a given address, such as the gateway. */
    void reserveIp(String networkId, int address, Reservation owner) {
        takenIps(networkId).add(address);
        plan.create(AllocKeys.ip(networkId, address), owner);
    }

    /**
     * Reserves the lowest free address of the network's subnet.
     *
     * @throws ClusterException POOL_EXHAUSTED when every address is taken
     */
    int ip(Network network, Reservation owner) {
        Set<Integer> taken = takenIps(network.id());
        Ipv4Subnet subnet = Ipv4Subnet.parse(network.subnet());
        long last = Integer.toUnsignedLong(subnet.broadcast());
        for (long a = Integer.toUnsignedLong(subnet.network()) + 1; a < last; a++) {
            int address = (int) a;
            if (!taken.contains(address)) {
                reserveIp(network.id(), address, owner);
                return address;
            }
        }
        throw new ClusterException(Reason.POOL_EXHAUSTED, "network " + network.name() + " has no free address left in " + subnet);
    }

    /** Frees an address when the plan commits; it stays taken for the rest of this plan. */
    void freeIp(String networkId, int address) {
        plan.delete(AllocKeys.ip(networkId, address));
    }

    private Set<Integer> takenIps(String networkId) {
        return takenIps.computeIfAbsent(networkId, id -> {
            Set<Integer> taken = new TreeSet<>();
            String prefix = AllocKeys.ips(id);
            for (String key : snapshot.under(prefix).keySet()) {
                try {
                    taken.add(Ipv4Address.parse(key.substring(prefix.length())));
                } catch (IllegalArgumentException e) {
                    LOG.warn("ignoring malformed address reservation {}", key);
                }
            }
            return taken;
        });
    }

    private void guardPorts() {
        if (!portsGuarded) {
            long changes = snapshot.value(AllocKeys.PORT_GUARD, AllocCounter.class).map(AllocCounter::value).orElse(0L);
            plan.require(AllocKeys.PORT_GUARD, snapshot.modRevision(AllocKeys.PORT_GUARD));
            plan.put(AllocKeys.PORT_GUARD, AllocCounter.of(changes + 1));
            portsGuarded = true;
        }
    }

    /**
     * Reserves an ingress port for a service: {@code published}, or when 0 the lowest free
     * port in 30000-32767.
     *
     * @throws ClusterException PORT_IN_USE naming the service that publishes it, or PORT_RANGE_EXHAUSTED
     */
    int ingressPort(PortProtocol protocol, int published, String serviceId) {
        guardPorts();
        if (published != 0) {
            String holder = portHolderMessage(protocol, published);
            if (holder != null) {
                throw new ClusterException(Reason.PORT_IN_USE, "port " + published + "/" + protocol.label() + " is already published " + holder);
            }
            reservePort(AllocKeys.ingressPort(protocol, published), Reservation.of(Reservation.SERVICE, serviceId));
            return published;
        }
        for (int port = FIRST_DYNAMIC_PORT; port <= LAST_DYNAMIC_PORT; port++) {
            if (portHolderMessage(protocol, port) == null) {
                reservePort(AllocKeys.ingressPort(protocol, port), Reservation.of(Reservation.SERVICE, serviceId));
                return port;
            }
        }
        throw new ClusterException(Reason.PORT_RANGE_EXHAUSTED, "no free port left in " + FIRST_DYNAMIC_PORT + "-"
                + LAST_DYNAMIC_PORT + " for " + protocol.label() + "; publish one with published=PORT");
    }

    /**
     * Refuses a host-mode port that the routing mesh already takes on every node.
     *
     * @throws ClusterException PORT_IN_USE naming the service that publishes it in ingress mode
     */
    void checkHostPortAgainstIngress(PortProtocol protocol, int published) {
        guardPorts();
        Optional<Reservation> ingress = ingressHolder(protocol, published);
        if (ingress.isPresent()) {
            throw new ClusterException(Reason.PORT_IN_USE, "port " + published + "/" + protocol.label()
                    + " is already published by service " + serviceName(ingress.get().id()) + " in ingress mode");
        }
    }

    /** Whether a task could publish the port in host mode on the node. */
    boolean hostPortFree(String nodeId, PortProtocol protocol, int published) {
        String key = AllocKeys.hostPort(nodeId, protocol, published);
        return !snapshot.contains(key) && !plannedPorts.containsKey(key) && ingressHolder(protocol, published).isEmpty();
    }

    /** Which service holds the port in host mode on the node, for messages. */
    String hostPortHolder(String nodeId, PortProtocol protocol, int published) {
        String key = AllocKeys.hostPort(nodeId, protocol, published);
        Reservation r = plannedPorts.get(key);
        if (r == null) {
            r = snapshot.value(key, Reservation.class).orElse(null);
        }
        if (r == null) {
            return ingressHolder(protocol, published).map(i -> serviceName(i.id()) + " (ingress mode)").orElse("?");
        }
        return serviceName(r.serviceId() != null ? r.serviceId() : r.id());
    }

    /**
     * Reserves a host-mode port on a node for a task.
     *
     * @throws ClusterException PORT_IN_USE naming the node and the service holding it
     */
    void hostPort(String nodeId, PortProtocol protocol, int published, String taskId, String serviceId) {
        guardPorts();
        if (!hostPortFree(nodeId, protocol, published)) {
            throw new ClusterException(Reason.PORT_IN_USE, "port " + published + "/" + protocol.label()
                    + " is already published on node " + hostname(nodeId) + " by service " + hostPortHolder(nodeId, protocol, published));
        }
        reservePort(AllocKeys.hostPort(nodeId, protocol, published), Reservation.ofTask(taskId, serviceId));
    }

    private void reservePort(String key, Reservation owner) {
        plannedPorts.put(key, owner);
        plan.create(key, owner);
    }

    /** Who holds the port in either mode anywhere, worded for "is already published ...", or null when free. */
    private String portHolderMessage(PortProtocol protocol, int port) {
        Optional<Reservation> ingress = ingressHolder(protocol, port);
        if (ingress.isPresent()) {
            return "by service " + serviceName(ingress.get().id());
        }
        String suffix = "/" + protocol.label() + "/" + port;
        for (Map.Entry<String, Reservation> e : hostReservations().entrySet()) {
            if (e.getKey().endsWith(suffix)) {
                String node = e.getKey().substring(AllocKeys.HOST_PORTS.length(), e.getKey().length() - suffix.length());
                Reservation r = e.getValue();
                return "in host mode by service " + serviceName(r.serviceId() != null ? r.serviceId() : r.id())
                        + " on node " + hostname(node);
            }
        }
        return null;
    }

    private Optional<Reservation> ingressHolder(PortProtocol protocol, int port) {
        String key = AllocKeys.ingressPort(protocol, port);
        Reservation planned = plannedPorts.get(key);
        return planned != null ? Optional.of(planned) : snapshot.contains(key)
                ? Optional.of(snapshot.value(key, Reservation.class).orElse(Reservation.of(Reservation.SERVICE, "?")))
                : Optional.empty();
    }

    private Map<String, Reservation> hostReservations() {
        Map<String, Reservation> all = new LinkedHashMap<>();
        snapshot.under(AllocKeys.HOST_PORTS).forEach((key, kv) ->
                all.put(key, reservation(kv).orElse(Reservation.of(Reservation.TASK, "?"))));
        plannedPorts.forEach((key, r) -> {
            if (key.startsWith(AllocKeys.HOST_PORTS)) {
                all.put(key, r);
            }
        });
        return all;
    }

    /** The host-port keys each task holds, from the snapshot. */
    Map<String, List<String>> hostPortsByTask() {
        Map<String, List<String>> byTask = new HashMap<>();
        snapshot.under(AllocKeys.HOST_PORTS).forEach((key, kv) ->
                reservation(kv).ifPresent(r -> byTask.computeIfAbsent(r.id(), t -> new ArrayList<>()).add(key)));
        return byTask;
    }

    void freeIngressPort(PortProtocol protocol, int port) {
        plan.delete(AllocKeys.ingressPort(protocol, port));
    }

    /** Adds or removes a service in a network's users, guarded so the network cannot go meanwhile. */
    void attach(String networkId, String serviceId, boolean attached) {
        String key = AllocKeys.networkUsers(networkId);
        NetworkUsers current = users.computeIfAbsent(networkId, id -> {
            plan.require(key, snapshot.modRevision(key));
            return snapshot.value(key, NetworkUsers.class).orElseGet(NetworkUsers::none);
        });
        List<String> services = new ArrayList<>(current.services());
        services.remove(serviceId);
        if (attached) {
            services.add(serviceId);
        }
        NetworkUsers next = new NetworkUsers(NetworkUsers.SCHEMA_VERSION, services);
        users.put(networkId, next);
        plan.put(key, next);
    }

    static Optional<Reservation> reservation(KeyValue kv) {
        try {
            return Optional.of(ModelJson.read(kv.value(), Reservation.class));
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring malformed reservation {}: {}", kv.key(), e.getMessage());
            return Optional.empty();
        }
    }
}
