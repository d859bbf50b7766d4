/**
 * Changing the cluster state as the swarm managers do: networks, services and tasks, with
 * everything they need allocated in compare-then-write transactions (see docs/cluster-state.md).
 */
package io.swarmnet.control.cluster;
