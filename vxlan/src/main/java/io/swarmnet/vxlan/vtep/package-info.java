/**
 * The VXLAN tunnel endpoint: {@link io.swarmnet.vxlan.vtep.Vtep} (lifecycle, sockets, event
 * loop), its packet logic (classification, ARP responder, encapsulation with TSO
 * segmentation and UDP GSO, decapsulation with receive coalescing) and its per-network
 * {@link io.swarmnet.vxlan.vtep.NetworkCounters} with drops by
 * {@link io.swarmnet.vxlan.vtep.DropReason}.
 */
package io.swarmnet.vxlan.vtep;
