package io.swarmnet.vxlan.vtep;

/**
 * Why the VTEP dropped a frame or datagram; every drop is counted under one of these, per
 * network where the network is known ({@link VtepCounters#network}) and node-wide where it
 * is not ({@link VtepCounters#node}).
 */
public enum DropReason {
    /** A datagram shorter than the VXLAN header, or an inner or TAP frame shorter than an Ethernet header. */
    RUNT,
    /** A VXLAN header without the I flag (RFC 7348 §5: the VNI is not valid). */
    BAD_FLAGS,
    /** VXLAN from a source address that is not a peer VTEP (cluster node). */
    UNKNOWN_PEER,
    /** VXLAN for a VNI this node does not serve, or a TAP port whose VNI has no table yet. */
    UNKNOWN_VNI,
    /** An inner frame longer than the network's MTU allows. */
    OVERSIZE,
    /** An inner IPv4 header that is malformed: version, IHL below 5 or past the packet, total length past the frame. */
    BAD_IPV4_HEADER,
    /** Decapsulated frame whose source MAC is not behind the VTEP that sent it. */
    UNKNOWN_SOURCE,
    /** A TAP frame whose source MAC is not the MAC the tables give that port (spoofing). */
    SOURCE_MAC_MISMATCH,
    /** A unicast frame for a MAC that is neither on a local port nor behind a remote VTEP. */
    UNKNOWN_DESTINATION,
    /** Broadcast or multicast that the ARP responder did not answer: the overlay never floods. */
    FLOOD,
    /** A broadcast ARP request for an address the tables do not know. */
    ARP_UNANSWERED,
    /** A TAP frame whose virtio header asks for an offload we did not enable or describes a frame it is not. */
    BAD_OFFLOAD,
    /** A frame to the port it came from. */
    HAIRPIN,
    /** A frame the tables send to a port of another network, or to a port no longer attached. */
    PORT_MISMATCH,
    /** The UDP socket's outbound queue was full. */
    UNDERLAY_BUSY,
    /** The UDP socket refused a datagram (e.g. no route to the peer). */
    UNDERLAY_ERROR,
    /** Writing to a TAP port failed: its queue was full or its interface is down. */
    PORT_BUSY,
    /**
     * A frame for the load balancer that a data-path shard could not pass to the shard
     * owning it: that shard's queue was full (it is behind by a whole ring).
     */
    HANDOFF_FULL,
    /** The data path threw on the packet: a bug, logged once with its stack. */
    INTERNAL_ERROR;
}
