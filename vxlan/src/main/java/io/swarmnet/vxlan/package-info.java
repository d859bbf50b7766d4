/** The user-space VXLAN VTEP (RFC 7348): per-VNI switch, ARP responder, TAP ports. */
package io.swarmnet.vxlan;
