package io.swarmnet.node.reconcile;

import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.node.overlay.OverlayTablesMapper;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;
import io.swarmnet.packet.MacAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Maps a task of the cluster view to the {@link AttachmentPlan} of its namespace, and
 * says which attachments a view no longer wants. Pure functions, tested without a kernel.
 */
public final class AttachmentPlanner {
    private AttachmentPlanner() {
    }

    /**
     * The interfaces of {@code task} in {@code netns}: one per overlay network in the task's
     * order, named as Docker names them ({@code eth0}, then {@code eth2}: {@code eth1} is the
     * gwbridge's), with the network's MTU or the underlay's less the VXLAN overhead.
     *
     * @throws IllegalStateException if a network of the task is not in the view
     */
    public static AttachmentPlan plan(Task task, ClusterView view, Path netns, int underlayMtu) {
        List<InterfacePlan> interfaces = new ArrayList<>();
        boolean egress = false;
        int index = 0;
        for (TaskEndpoint endpoint : task.endpoints()) {
            Network network = view.network(endpoint.networkId()).orElseThrow(() -> new IllegalStateException(
                    "network " + endpoint.networkId() + " of task " + task.id() + " is not in the cluster view"));
            egress |= !network.internal();
            String ifname = index == 0 ? "eth0" : "eth" + (index + 1);
            index++;
            int mtu = network.mtu() > 0 ? network.mtu() : underlayMtu - OverlayTablesMapper.VXLAN_OVERHEAD;
            interfaces.add(new InterfacePlan(ifname, network.id(), network.name(), network.vni(),
                    Ipv4Address.parse(endpoint.ip()), Ipv4Subnet.parse(network.subnet()).prefixLength(),
                    MacAddress.parse(endpoint.mac()), mtu, tapName(task.id(), network.vni())));
        }
        return new AttachmentPlan(task.id(), taskName(task, view), netns, interfaces, egress,
                task.endpoints().stream().map(TaskEndpoint::networkId).toList());
    }

    /**
     * Why {@code view} no longer wants the attachment of {@code taskId} on node {@code nodeId},
     * or empty if it does: the task is gone, it moved, or its namespace is gone.
     */
    public static Optional<String> unwanted(String taskId, Path netns, boolean netnsExists, ClusterView view,
                                            String nodeId) {
        Optional<Task> task = view.task(taskId);
        if (task.isEmpty()) {
            return Optional.of("the task is gone");
        }
        if (!task.get().nodeId().equals(nodeId)) {
            return Optional.of("the task moved to another node");
        }
        return netnsExists ? Optional.empty() : Optional.of("its namespace " + netns + " is gone");
    }

    /** A task's name as Docker shows it: {@code service.slot}, or {@code service.node} for a global service. */
    static String taskName(Task task, ClusterView view) {
        String service = view.service(task.serviceId()).map(Service::name).orElse(task.serviceId());
        String slot = task.slot() > 0 ? Integer.toString(task.slot())
                : view.node(task.nodeId()).map(Node::hostname).orElse(task.nodeId());
        return service + "." + slot;
    }

    /** A TAP name unique per task and network, at most 15 characters, that never clashes with eth*. */
    public static String tapName(String taskId, int vni) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((taskId + "/" + vni).getBytes(StandardCharsets.UTF_8));
            return "snt" + HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
