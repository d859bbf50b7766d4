package io.swarmnet.lb;

/** Why the load balancer dropped a frame to a VIP; each drop is counted under one of these ({@link LbCounters#drops}). */
public enum LbDropReason {
    /** A TCP or UDP header to a VIP that is truncated or inconsistent (data offset, length field). */
    MALFORMED,
    /**
     * An IPv4 fragment to a VIP that cannot be placed: a later fragment whose first one was
     * not seen (only the first carries the ports), or a fragment of an ICMP echo.
     */
    FRAGMENT,
    /** A protocol a VIP does not serve (neither TCP, UDP nor ICMP echo). */
    UNSUPPORTED,
    /** An ICMP echo request whose checksum is wrong. */
    BAD_CHECKSUM,
    /** A UDP datagram to a VIP without an active backend (TCP gets a RST instead). */
    NO_BACKEND,
    /** A TCP RST to a VIP that belongs to no tracked flow. */
    NO_FLOW,
    /** A new flow refused because the conntrack table is full; existing flows go on. */
    TABLE_FULL,
    /** A reply (echo, RST) that does not fit the buffer it is built in. */
    OVERSIZE;
}
