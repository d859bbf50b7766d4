package io.swarmnet.control.testing;

import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkAttachment;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeAvailability;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.model.PublishedPort;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.ServiceMode;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.model.TaskState;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Short factories for valid cluster records in tests: ids are the names given, addresses derived the Docker way. */
public final class ClusterRecords {

    private ClusterRecords() {
    }

    public static Node node(String id, String advertiseAddr) {
        return new Node(Node.SCHEMA_VERSION, id, "host-" + id, NodeRole.WORKER, advertiseAddr, NodeAvailability.ACTIVE);
    }

    /** An overlay network {@code id} on {@code subnet} (a /24 like 10.0.9.0/24), gateway .1. */
    public static Network network(String id, int vni, String subnet) {
        return network(id, vni, subnet, false);
    }

    public static Network ingress(String id, int vni, String subnet) {
        return network(id, vni, subnet, true);
    }

    private static Network network(String id, int vni, String subnet, boolean ingress) {
        String gateway = subnet.substring(0, subnet.lastIndexOf('.')) + ".1";
        return new Network(Network.SCHEMA_VERSION, id, id, Network.DRIVER_OVERLAY, vni, subnet, gateway, 0,
                true, false, ingress, false, Map.of());
    }

    /** A vip-mode service named {@code id} on the given attachments. */
    public static Service service(String id, NetworkAttachment... networks) {
        return service(id, EndpointMode.VIP, List.of(), networks);
    }

    public static Service service(String id, EndpointMode mode, List<PublishedPort> ports, NetworkAttachment... networks) {
        return new Service(Service.SCHEMA_VERSION, id, id, ServiceMode.REPLICATED, 1, mode, Arrays.asList(networks),
                ports, List.of("sleep", "infinity"), Map.of());
    }

    public static NetworkAttachment on(String networkId, String vip, String... aliases) {
        return new NetworkAttachment(networkId, List.of(aliases), vip);
    }

    public static PublishedPort port(int published, int target, PublishMode mode) {
        return new PublishedPort(PortProtocol.TCP, target, published, mode);
    }

    /** A running task of {@code serviceId} in {@code slot} on {@code nodeId}. */
    public static Task task(String id, String serviceId, int slot, String nodeId, TaskEndpoint... endpoints) {
        return new Task(Task.SCHEMA_VERSION, id, serviceId, slot, nodeId, TaskState.RUNNING, Arrays.asList(endpoints));
    }

    public static Task draining(Task task) {
        return new Task(task.version(), task.id(), task.serviceId(), task.slot(), task.nodeId(), TaskState.DRAINING, task.endpoints());
    }

    /** An endpoint at {@code ip} with Docker's MAC for it. */
    public static TaskEndpoint at(String networkId, String ip) {
        return new TaskEndpoint(networkId, ip, MacAddress.toString(MacAddress.fromIpv4(Ipv4Address.parse(ip))));
    }
}
