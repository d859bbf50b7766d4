/**
 * Per-node desired tables for the data plane, derived from the cluster view by a pure
 * function: remote MAC to VTEP and IP to MAC per VNI, local endpoints, VIP to backends,
 * published ports and DNS records. Tables are immutable with value equality and diffs, so
 * reconcilers apply only what changed; {@link io.swarmnet.control.tables.DesiredTablesPublisher}
 * hands them over through one volatile reference. Addresses are primitives (an IPv4
 * address is an {@code int}, a MAC a {@code long}) so the data plane converts nothing.
 */
package io.swarmnet.control.tables;
