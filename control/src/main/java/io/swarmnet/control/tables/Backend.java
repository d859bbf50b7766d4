package io.swarmnet.control.tables;

import io.swarmnet.control.model.Node;
import io.swarmnet.packet.Ipv4Address;

/**
 * One task serving a service on one network: where the load balancer sends a flow.
 *
 * @param taskId the task
 * @param nodeId the node it runs on
 * @param ip     its address on the service's network
 * @param mac    its MAC on that network
 * @param vtep   its node's underlay address
 * @param local  whether it runs on this node
 * @param state  active takes new flows; draining keeps only the flows it has
 * @param weight its share of new flows under weighted round-robin: its node's weight
 */
public record Backend(String taskId, String nodeId, int ip, long mac, int vtep, boolean local, BackendState state,
                      int weight) {

    /** A backend of the default weight. */
    public Backend(String taskId, String nodeId, int ip, long mac, int vtep, boolean local, BackendState state) {
        this(taskId, nodeId, ip, mac, vtep, local, state, Node.DEFAULT_LB_WEIGHT);
    }

    public boolean active() {
        return state == BackendState.ACTIVE;
    }

    @Override
    public String toString() {
        return Ipv4Address.toString(ip) + (local ? "(local" : "(via " + Ipv4Address.toString(vtep))
                + (state == BackendState.DRAINING ? ", draining" : "")
                + (weight != Node.DEFAULT_LB_WEIGHT ? ", weight " + weight : "") + ")";
    }
}
