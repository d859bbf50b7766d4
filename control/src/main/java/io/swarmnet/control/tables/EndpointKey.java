package io.swarmnet.control.tables;

/**
 * A task's interface on one network: the key of the local endpoints table.
 *
 * @param taskId    the task
 * @param networkId the network
 */
public record EndpointKey(String taskId, String networkId) {
}
