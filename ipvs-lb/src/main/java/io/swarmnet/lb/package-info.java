/**
 * Service load balancing on the packet path (endpoint mode vip): the {@link io.swarmnet.lb.NatStage}
 * that the overlay data path calls for every frame, with its configuration and counters;
 * the service table, schedulers and connection tracker live in sub-packages.
 */
package io.swarmnet.lb;
