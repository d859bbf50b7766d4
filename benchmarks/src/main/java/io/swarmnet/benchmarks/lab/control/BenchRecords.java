package io.swarmnet.benchmarks.lab.control;

import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkAttachment;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.ServiceMode;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.model.TaskState;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import java.util.List;
import java.util.Map;

/**
 * The records the control-plane benchmark writes, as the allocator would: one overlay
 * network, one vip-mode service on it, an anchor task on every node (so every node takes
 * part in the network and its tables hold the service), and numbered tasks, each of which
 * is one change to measure.
 */
final class BenchRecords {
    static final String NETWORK_ID = "bench-net";
    static final String SERVICE_ID = "bench-web";
    static final int VNI = 4900;
    static final String SUBNET = "10.200.0.0/16";
    static final String VIP = "10.200.0.2";
    /** Task ids of measured changes start with this; anchors do not. */
    static final String CHANGE_PREFIX = "bench-t-";
    static final String ANCHOR_PREFIX = "bench-a-";
    /** The most changes one run can address in {@link #SUBNET} (10.200.2.0 - 10.200.255.255). */
    static final int MAX_CHANGES = 254 * 250;

    private BenchRecords() {
    }

    static Network network() {
        return new Network(Network.SCHEMA_VERSION, NETWORK_ID, NETWORK_ID, Network.DRIVER_OVERLAY, VNI, SUBNET,
                "10.200.0.1", 0, true, false, false, false, Map.of());
    }

    static Service service() {
        return new Service(Service.SCHEMA_VERSION, SERVICE_ID, SERVICE_ID, ServiceMode.GLOBAL, 0, EndpointMode.VIP,
                List.of(new NetworkAttachment(NETWORK_ID, List.of(), VIP)), List.of(), List.of("sleep", "infinity"), Map.of());
    }

    /** The anchor task of the {@code index}-th node (0-based), on that node. */
    static Task anchor(int index, String nodeId) {
        return task(ANCHOR_PREFIX + nodeId, 0, nodeId, "10.200.1." + (index + 2));
    }

    /** The {@code n}-th change (1-based) of a run, placed on {@code nodeId}. */
    static Task change(String runId, int n, String nodeId) {
        if (n < 1 || n > MAX_CHANGES) {
            throw new IllegalArgumentException("change number must be 1-" + MAX_CHANGES + ", not " + n);
        }
        int host = n - 1;
        return task(changeId(runId, n), n, nodeId, "10.200." + (2 + host / 250) + "." + (host % 250 + 2));
    }

    static String changeId(String runId, int n) {
        return String.format("%s%s-%05d", CHANGE_PREFIX, runId, n);
    }

    private static Task task(String id, int slot, String nodeId, String ip) {
        String mac = MacAddress.toString(MacAddress.fromIpv4(Ipv4Address.parse(ip)));
        return new Task(Task.SCHEMA_VERSION, id, SERVICE_ID, slot, nodeId, TaskState.RUNNING,
                List.of(new TaskEndpoint(NETWORK_ID, ip, mac)));
    }
}
