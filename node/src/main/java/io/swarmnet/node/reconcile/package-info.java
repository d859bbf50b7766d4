/**
 * The node's data-plane reconciler, in Cilium's shape: desired tables go through pure
 * mappers to narrow {@link io.swarmnet.node.reconcile.Target targets} (task namespaces,
 * routing mesh, VTEP forwarding tables, load balancer, embedded DNS, gwbridge), and
 * {@link io.swarmnet.node.reconcile.DataPlaneReconciler} applies to each what it must hold.
 *
 * <p>Design notes. Every target is an interface whose real implementation is a thin
 * adapter over the data-plane module that owns it, so the reconciler is tested against
 * in-memory fakes and fault injectors without a kernel. Applies are idempotent: the VTEP's
 * tables carry a version that only grows, the mesh and the gwbridge rewrite whole tables,
 * and removing what is absent is no error, so a failed pass is simply run again, with a
 * backoff (100 ms doubling to 10 s) rather than only at the next view update. Three steps
 * are named because they are where state is lost or leaks: {@code restore} (once, at the
 * first view: adopt or re-plumb what the state file names, prune the rest), {@code prune}
 * (detach tasks that left the node or whose namespace is gone) and {@code publish} (the
 * tables every target holds).
 */
package io.swarmnet.node.reconcile;
