/**
 * Egress: the docker_gwbridge bridge, its NAT and host-mode plumbing.
 *
 * <p>{@link io.swarmnet.gwbridge.GwBridge} is the reconciler the agent drives: start it
 * with a {@link io.swarmnet.gwbridge.GwBridgeConfig} in the node's namespace, then
 * {@code attach}/{@code detach} tasks. It changes the kernel only through
 * {@link io.swarmnet.gwbridge.GwBridgeKernel}, whose
 * {@link io.swarmnet.gwbridge.DefaultGwBridgeKernel} uses rtnetlink and libnftables from
 * {@code io.swarmnet.sys}. See the module's README for the design and the agent's part.
 */
package io.swarmnet.gwbridge;
