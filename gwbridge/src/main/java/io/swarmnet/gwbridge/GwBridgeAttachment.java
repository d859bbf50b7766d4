package io.swarmnet.gwbridge;

import io.swarmnet.packet.Ipv4Address;

/**
 * One task's link to the gwbridge: a veth whose host end {@code port} is a port of the
 * bridge and whose other end is {@value GwBridge#TASK_LINK} in the task's namespace, holding
 * {@code address/prefixLength} with the default route via {@code gateway}. Addresses are
 * {@code int}s in network order.
 *
 * @param taskId       the task, as the agent names it
 * @param port         the host end's name in the node's namespace
 * @param address      the task's gwbridge address
 * @param prefixLength the pool's prefix length
 * @param gateway      the bridge's address, the task's default gateway
 */
public record GwBridgeAttachment(String taskId, String port, int address, int prefixLength, int gateway) {

    /** The hardware address of the task's {@value GwBridge#TASK_LINK}, derived from its address. */
    public long mac() {
        return Naming.mac(address);
    }

    @Override
    public String toString() {
        return "task " + taskId + ": " + GwBridge.TASK_LINK + " " + Ipv4Address.toString(address) + "/" + prefixLength
                + " via " + Ipv4Address.toString(gateway) + ", port " + port;
    }
}
