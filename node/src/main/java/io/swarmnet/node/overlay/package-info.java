/**
 * The agent's overlay data plane: the pure mappers from the control plane's desired tables
 * to the VTEP's forwarding tables and the load balancer's service table, the metrics, and
 * {@link io.swarmnet.node.overlay.OverlayDataPlane}, which owns the VTEP, the gwbridge, the
 * routing mesh and the resolvers, validates the attach requests of the local API, and
 * hands all of it to the reconciler in {@code io.swarmnet.node.reconcile}.
 *
 * <p>Design notes. The VTEP module knows nothing of the control plane; this package is the
 * only place both meet. Forwarding tables are rebuilt whole from the latest desired tables,
 * the ready nodes and the attached ports, and published with a version that only grows, so
 * a reconcile may run any number of times and a late one never rolls the data path back.
 * A TAP lives as long as the agent holds its descriptor; after a crash the kernel has
 * removed it already, so a restarted agent re-attaches the tasks its state file names
 * (same namespace, same addresses) and prunes those whose namespace or task is gone.
 */
package io.swarmnet.node.overlay;
