/**
 * The tables the VTEP forwards by: {@link io.swarmnet.vxlan.fdb.OverlayTables}, an immutable,
 * versioned snapshot per node (networks by VNI, peer VTEPs), built by the agent from the
 * control plane and published whole; lookups take primitives and never allocate.
 */
package io.swarmnet.vxlan.fdb;
