package io.swarmnet.control.view;

import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkAttachment;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.PublishedPort;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.model.TaskReport;
import io.swarmnet.control.store.Keys;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;
import io.swarmnet.packet.MacAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * Which keys hold the records a {@link ClusterView} follows, and the checks a record must
 * pass to enter it: it must parse, carry the id its key names, and hold addresses the data
 * plane can use (IPv4 literals, colon MACs, a gateway inside its subnet, no network twice
 * in one record, no published port twice). References between records (a task's service,
 * an endpoint's network) are not checked: they may arrive in any order.
 */
public final class RecordSchema {
    private static final int MAX_NAME = 255;

    private RecordSchema() {
    }

    /**
     * The kind and id of a followed key, or null for keys the view does not follow: keys
     * outside the record prefixes (allocation state, other tools) and keys nested deeper
     * than one segment below a record prefix.
     */
    public static ClusterKey parseKey(String key) {
        if (!key.startsWith(Keys.ROOT)) {
            return null;
        }
        for (RecordKind kind : RecordKind.values()) {
            if (key.startsWith(kind.prefix())) {
                String id = key.substring(kind.prefix().length());
                return id.isEmpty() || id.indexOf('/') >= 0 ? null : new ClusterKey(kind, id);
            }
        }
        return null;
    }

    /**
     * Decodes and checks the value of a followed key. A liveness key's value is not read:
     * the key's existence is what counts.
     *
     * @return the record, {@link Boolean#TRUE} for a liveness key
     * @throws IllegalArgumentException saying what is wrong, for a log line
     */
    public static Object decode(ClusterKey key, byte[] value) {
        return switch (key.kind()) {
            case LIVENESS -> Boolean.TRUE;
            case NODE -> check(key, read(value, Node.class));
            case NETWORK -> check(key, read(value, Network.class));
            case SERVICE -> check(key, read(value, Service.class));
            case TASK -> check(key, read(value, Task.class));
            case REPORT -> check(key, read(value, TaskReport.class));
        };
    }

    private static <T> T read(byte[] value, Class<T> type) {
        T record = ModelJson.read(value, type);
        if (record == null) {
            throw new IllegalArgumentException("a " + type.getSimpleName() + " record is JSON null");
        }
        return record;
    }

    static TaskReport check(ClusterKey key, TaskReport report) {
        requireId(key, report.taskId());
        return report;
    }

    static Node check(ClusterKey key, Node node) {
        requireId(key, node.id());
        try {
            Ipv4Address.parse(node.advertiseAddr());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("advertiseAddr: " + e.getMessage() + " (the underlay is IPv4)", e);
        }
        if (node.ingress() != null) {
            try {
                Ipv4Address.parse(node.ingress().ip());
                MacAddress.parse(node.ingress().mac());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ingress endpoint: " + e.getMessage(), e);
            }
        }
        return node;
    }

    static Network check(ClusterKey key, Network network) {
        requireId(key, network.id());
        requireName(network.name());
        if (!Network.DRIVER_OVERLAY.equals(network.driver())) {
            throw new IllegalArgumentException("driver '" + network.driver() + "' is not supported, only overlay");
        }
        Ipv4Subnet subnet = Ipv4Subnet.parse(network.subnet());
        int gateway = Ipv4Address.parse(network.gateway());
        if (!subnet.contains(gateway)) {
            throw new IllegalArgumentException("gateway " + network.gateway() + " is outside subnet " + network.subnet());
        }
        return network;
    }

    static Service check(ClusterKey key, Service service) {
        requireId(key, service.id());
        requireName(service.name());
        Set<String> networks = new HashSet<>();
        for (NetworkAttachment a : service.networks()) {
            if (!networks.add(a.networkId())) {
                throw new IllegalArgumentException("network " + a.networkId() + " is attached twice");
            }
            if (a.vip() != null) {
                Ipv4Address.parse(a.vip());
            }
            a.aliases().forEach(RecordSchema::requireName);
        }
        Set<String> ports = new HashSet<>();
        for (PublishedPort p : service.ports()) {
            if (!ports.add(p.protocol().label() + "/" + p.published())) {
                throw new IllegalArgumentException("port " + p.published() + "/" + p.protocol().label() + " is published twice");
            }
        }
        return service;
    }

    static Task check(ClusterKey key, Task task) {
        requireId(key, task.id());
        if (task.serviceId().isEmpty() || task.nodeId().isEmpty()) {
            throw new IllegalArgumentException("a task needs a serviceId and a nodeId");
        }
        Set<String> networks = new HashSet<>();
        for (TaskEndpoint e : task.endpoints()) {
            if (!networks.add(e.networkId())) {
                throw new IllegalArgumentException("network " + e.networkId() + " has two endpoints");
            }
            Ipv4Address.parse(e.ip());
            MacAddress.parse(e.mac());
        }
        return task;
    }

    private static void requireId(ClusterKey key, String id) {
        if (!key.id().equals(id)) {
            throw new IllegalArgumentException("the record's id '" + id + "' is not its key's id '" + key.id() + "'");
        }
    }

    private static void requireName(String name) {
        // Deliberately loose: the CLI decides which names it accepts; here a name only has
        // to be usable as a map key and a DNS question (no spaces, no control characters).
        if (name.isEmpty() || name.length() > MAX_NAME || !name.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '/')) {
            throw new IllegalArgumentException("'" + name + "' is not a valid name (1-" + MAX_NAME
                    + " printable ASCII characters, no spaces or '/')");
        }
    }

    /**
     * A followed key, split.
     *
     * @param kind the kind of record under it
     * @param id   the record's id, the key's last segment
     */
    public record ClusterKey(RecordKind kind, String id) {

        public String key() {
            return kind.key(id);
        }
    }
}
