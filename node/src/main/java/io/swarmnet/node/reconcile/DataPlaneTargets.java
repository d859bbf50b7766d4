package io.swarmnet.node.reconcile;

import io.swarmnet.control.tables.DnsKey;
import io.swarmnet.control.tables.DnsRecord;
import io.swarmnet.control.tables.Table;
import io.swarmnet.gwbridge.GwBridge;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.node.dns.TaskResolvers;
import io.swarmnet.node.mesh.RoutingMesh;
import io.swarmnet.node.overlay.LocalPort;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.vtep.Vtep;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every target {@link DataPlaneReconciler} drives, in one place. {@link #of} wires the real
 * ones, each a thin adapter over the module that owns it; tests pass fakes.
 *
 * @param tasks     task namespaces: attach, check, detach, adopt
 * @param mesh      the routing mesh
 * @param meshPorts the VTEP ports the mesh owns (its ingress endpoint), read after it is applied
 * @param overlay   the VTEP's forwarding tables
 * @param services  the load balancer's service table
 * @param dns       the embedded DNS server's records
 * @param gwbridge  the gwbridge, given the tasks whose ports it keeps
 */
public record DataPlaneTargets(TaskNamespaces tasks, Target<MeshInput> mesh, Supplier<List<LocalPort>> meshPorts,
                               Target<OverlayTables> overlay, Target<ServiceTable> services,
                               Target<Table<DnsKey, DnsRecord>> dns, Target<Set<String>> gwbridge) {

    /** The real targets over the node's VTEP, routing mesh, resolvers and gwbridge. */
    public static DataPlaneTargets of(Vtep vtep, RoutingMesh mesh, TaskResolvers resolvers, GwBridge gw) {
        return new DataPlaneTargets(
                new DefaultTaskNamespaces(vtep, gw, resolvers),
                in -> {
                    if (!mesh.reconcile(in.view(), in.desired(), in.gwAddresses())) {
                        throw new IOException("the routing mesh kept its last state (its warning says why)");
                    }
                },
                mesh::localPorts,
                // The VTEP refuses only tables older than its own; the reconciler's versions only grow.
                vtep::publish,
                vtep::publish,
                resolvers::publish,
                gw::reconcile);
    }
}
