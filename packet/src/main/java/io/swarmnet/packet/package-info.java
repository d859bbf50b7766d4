/**
 * Flyweight wire views (Ethernet, ARP, IPv4, ICMP, UDP, TCP, VXLAN) and checksums; never allocates.
 *
 * <p>The contract every view keeps, so the VTEP, the load balancer and the DNS path can
 * hold one instance of each per thread and reuse it for every packet:
 * <ul>
 *   <li>{@code wrap(buf, offset)} and {@code wrap(buf, offset, length)} return false, never
 *       throw, for truncated or malformed input, and leave the view unwrapped (its getters
 *       then throw, rather than read a stale frame). Structure is checked, policy is not:
 *       an unknown EtherType, opcode or ICMP type wraps, and checksums are verified only on
 *       request. The caller counts the drop; a view never logs.</li>
 *   <li>A view knows nothing beyond the bytes it was given: a transport view wraps with
 *       {@link io.swarmnet.packet.Ipv4View#payloadLength()} so Ethernet padding stays out,
 *       and takes the pseudo-header addresses as arguments.</li>
 *   <li>Getters and setters use absolute indices, big-endian, and never move the reader
 *       or writer index; static {@code write} methods fill a header up to the buffer's
 *       capacity and the caller moves the writer index.</li>
 *   <li>Addresses are primitives: an IPv4 address is an {@code int} in network order, a
 *       MAC the low 48 bits of a {@code long}.</li>
 * </ul>
 */
package io.swarmnet.packet;
