/**
 * Service load balancing on the packet path (endpoint mode vip): the {@link io.swarmnet.lb.NatStage}
 * that the agent gives the overlay data path as its frame stage, with its configuration and counters;
 * the service table, schedulers and connection tracker live in sub-packages.
 */
package io.swarmnet.lb;
