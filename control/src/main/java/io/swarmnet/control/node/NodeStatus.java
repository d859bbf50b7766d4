package io.swarmnet.control.node;

import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeState;

/**
 * A node's record together with whether its agent is up, as {@code node ls} shows it.
 *
 * @param node  the persistent record
 * @param state ready while the node's liveness lease lives, down otherwise
 */
public record NodeStatus(Node node, NodeState state) {
}
