package io.swarmnet.control.tables;

import io.swarmnet.control.model.TaskState;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;

/**
 * A task on this node and its interface on one network: what the node must plumb (a TAP
 * port in the task's namespace on that VNI).
 *
 * @param taskId    the task
 * @param serviceId its service
 * @param networkId the network
 * @param vni       the network's VNI
 * @param ip        the task's address on it
 * @param mac       the task's MAC on it
 * @param state     running or draining
 */
public record LocalEndpoint(String taskId, String serviceId, String networkId, int vni, int ip, long mac,
                            TaskState state) {

    @Override
    public String toString() {
        return taskId + "@" + vni + "(" + Ipv4Address.toString(ip) + ", " + MacAddress.toString(mac) + ", " + state.label() + ")";
    }
}
