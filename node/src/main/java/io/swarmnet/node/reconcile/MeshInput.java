package io.swarmnet.node.reconcile;

import io.swarmnet.control.tables.DesiredTables;
import io.swarmnet.control.view.ClusterView;
import java.util.Map;

/**
 * What the routing mesh is reconciled from: the view (this node's ingress endpoint), the
 * tables (the ingress network and the published ports) and the gwbridge address of each
 * task attached here (host-mode ports DNAT to it).
 */
public record MeshInput(ClusterView view, DesiredTables desired, Map<String, Integer> gwAddresses) {

    public MeshInput {
        gwAddresses = Map.copyOf(gwAddresses);
    }
}
