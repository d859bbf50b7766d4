package io.swarmnet.control.tables;

import io.swarmnet.control.model.Addresses;
import io.swarmnet.control.model.TaskState;

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
        return taskId + "@" + vni + "(" + Addresses.formatIpv4(ip) + ", " + Addresses.formatMac(mac) + ", " + state.label() + ")";
    }
}
