package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.collection.IntObjectHashMap;
import io.swarmnet.lb.BatchClock;
import io.swarmnet.lb.ClientSink;
import io.swarmnet.lb.LbConfig;
import io.swarmnet.lb.NatStage;
import io.swarmnet.packet.ArpView;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.VxlanView;
import io.swarmnet.sys.VirtioNetHdr;
import io.swarmnet.vxlan.fdb.NetworkTable;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.port.SwitchPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VTEP's packet logic, without I/O: classifies frames from local ports (ARP responder,
 * local switching, VXLAN encapsulation with TSO segmentation) and datagrams from peers
 * (checks, decapsulation, delivery by inner destination MAC).
 *
 * <p>Owned by one event-loop thread: it holds the flyweights and scratch buffers it reuses
 * for every packet, so nothing here allocates per packet except the pooled buffers of the
 * datagrams it sends. Tables come from one volatile reference that {@link #publish}
 * replaces; each packet is handled against the snapshot it read.
 *
 * <p>Design choices a reviewer should know:
 * <ul>
 *   <li>No flooding: ARP requests for addresses in the tables are answered here; other
 *       broadcast, multicast and unknown unicast is dropped and counted
 *       ({@link DropReason#FLOOD}, {@link DropReason#UNKNOWN_DESTINATION}). Docker's
 *       overlay avoids flooding the same way, with static neighbour entries.</li>
 *   <li>No learning: a decapsulated frame must come from a MAC the tables put behind the
 *       VTEP that sent it, and a TAP frame from the MAC the tables give that port; so a
 *       node, or a task, cannot claim another's address.</li>
 *   <li>Frames never cross VNIs: a port belongs to one network, and delivery checks the
 *       target port's VNI even if the tables say otherwise.</li>
 *   <li>Reserved VXLAN bits are ignored on receipt, as RFC 7348 §5 says (Linux is
 *       stricter and drops them); only a missing I flag is a drop.</li>
 *   <li>Service VIPs: every IPv4 frame from a local port passes the load balancer's
 *       {@link NatStage} before it is switched (a frame to a VIP leaves it rewritten to a
 *       backend), and every frame about to be written to a local port passes its reverse
 *       translation, whether it came from a local port or from a peer.</li>
 *   <li>Shards: a VTEP runs one data path per CPU. Only shard 0's runs the load balancer;
 *       another shard's passes it, through a {@link Handoff}, every frame that may be for
 *       a VIP and every frame to a client end the conntrack may have flows of, and switches
 *       the rest itself.</li>
 * </ul>
 */
final class DataPath {
    private static final Logger LOG = LoggerFactory.getLogger(DataPath.class);
    /** RFC 7348 §5 and UDP_MAX_SEGMENTS of older kernels: at most 64 datagrams per GSO send. */
    static final int MAX_GSO_SEGMENTS = 64;
    /** The most UDP payload one send may carry over IPv4: 65535 - 20 - 8. */
    static final int MAX_UDP_PAYLOAD = 65507;
    /** Largest frame a TAP read can return: a 64 KiB TSO frame plus headers and a VLAN tag. */
    static final int MAX_TAP_FRAME = SwitchPort.VNET_HEADER_LENGTH + 65535 + EthernetView.VLAN_HEADER_LENGTH;

    private final VtepCounters counters;
    private final Underlay underlay;
    /** Where an IPv4 header holds the destination address, the protocol and the fragment offset. */
    private static final int IPV4_DESTINATION = 16;
    private static final int IPV4_PROTOCOL = 9;
    private static final int IPV4_FRAGMENT = 6;

    private final NatStage lb;
    private final BatchClock clock;
    /**
     * Where a shard that does not own the load balancer sends the frames that need it (a
     * possible VIP, or a frame to a client the conntrack may have flows of); {@code null}
     * in the owner, which runs {@link #lb} itself.
     */
    private final Handoff toOwner;
    private final ClientSink lbSink = this::sendToClient;
    private final IntObjectHashMap<SwitchPort> ports = new IntObjectHashMap<>();
    private volatile OverlayTables tables = OverlayTables.EMPTY;
    private volatile FrameTap tap;
    private boolean internalErrorLogged;

    private final VirtioNetHdr vnet = new VirtioNetHdr();
    private final EthernetView eth = new EthernetView();
    private final ArpView arp = new ArpView();
    private final Ipv4View ip = new Ipv4View();
    private final VxlanView vxlan = new VxlanView();
    private final TcpSegmenter segmenter = new TcpSegmenter();
    private final TcpCoalescer coalescer = new TcpCoalescer();
    /** Frames built here for a port: ARP replies, decapsulated frames behind a fresh virtio header. */
    private final ByteBuf portScratch;

    DataPath(VtepCounters counters, Underlay underlay) {
        this(counters, underlay, new BatchClock(System::nanoTime));
    }

    private DataPath(VtepCounters counters, Underlay underlay, BatchClock clock) {
        this(counters, underlay, new NatStage(LbConfig.DEFAULT, clock), clock);
    }

    /**
     * Makes a data path whose load balancer is {@code lb}; {@code clock} is the clock that
     * {@code lb} reads, and its batch ends with each {@link #flush} and {@link #housekeep}.
     */
    DataPath(VtepCounters counters, Underlay underlay, NatStage lb, BatchClock clock) {
        this(counters, underlay, lb, clock, null);
    }

    /**
     * Makes the data path of a shard that does not own {@code lb}: it only reads which
     * clients have flows ({@code ConntrackTable.mayHaveFlowsTo}, safe from any thread) and
     * passes every frame the load balancer must see to {@code toOwner}; {@code clock} is
     * its own.
     */
    DataPath(VtepCounters counters, Underlay underlay, NatStage lb, BatchClock clock, Handoff toOwner) {
        this.counters = counters;
        this.underlay = underlay;
        this.lb = lb;
        this.clock = clock;
        this.toOwner = toOwner;
        this.portScratch = Unpooled.directBuffer(MAX_TAP_FRAME, MAX_TAP_FRAME);
    }

    /** Replaces the tables; any thread. */
    void publish(OverlayTables tables) {
        this.tables = tables;
    }

    /** Sets the tap that sees every frame, or removes it with null; any thread. */
    void tap(FrameTap tap) {
        this.tap = tap;
    }

    /** Adds a port; event loop only. */
    void addPort(SwitchPort port) {
        ports.put(port.id(), port);
    }

    /** Removes a port; event loop only. */
    void removePort(SwitchPort port) {
        ports.remove(port.id());
    }

    /** Releases the scratch buffers; event loop only, after the last packet. */
    void release() {
        portScratch.release();
        coalescer.release();
    }

    /**
     * Handles one frame read from local port {@code from}: {@code length} bytes at
     * {@code offset}, virtio header first. The buffer is the caller's and is not kept.
     */
    void fromPort(SwitchPort from, ByteBuf buf, int offset, int length) {
        try {
            classify(from, buf, offset, length, false);
        } catch (RuntimeException e) {
            internalError(e);
        }
    }

    /**
     * The owner of the load balancer: handles a frame another shard passed on, as
     * {@link #fromPort} (kind {@link Handoff#FROM_PORT}) or as the end of {@link #fromPeer}
     * (kind {@link Handoff#FROM_PEER}, for local port {@code port}). The frame tap saw it
     * in that shard already.
     */
    void fromHandoff(int kind, int vni, int port, ByteBuf buf, int offset, int length) {
        try {
            NetworkCounters c = counters.forVni(vni);
            SwitchPort to = ports.get(port);
            if (to == null || to.vni() != vni) {
                c.drop(DropReason.PORT_MISMATCH);
            } else if (kind == Handoff.FROM_PORT) {
                classify(to, buf, offset, length, true);
            } else if (eth.wrap(buf, offset, length)
                    && (eth.etherType() != EthernetView.TYPE_IPV4 || ip.wrap(buf, eth.payloadOffset(), eth.payloadLength()))) {
                deliver(vni, c, to, buf, offset, length);
            } else {
                c.drop(DropReason.RUNT);
            }
        } catch (RuntimeException e) {
            internalError(e);
        }
    }

    /**
     * A shard that does not own the load balancer: whether the frame the views are on is
     * IPv4 to an address the load balancer may have to translate back.
     */
    private boolean forOwner(ByteBuf buf) {
        int at = eth.payloadOffset();
        int length = eth.payloadLength();
        if (eth.etherType() != EthernetView.TYPE_IPV4 || length < Ipv4View.MIN_HEADER_LENGTH) {
            return false;
        }
        int dst = buf.getInt(at + IPV4_DESTINATION);
        int headerLength = (buf.getUnsignedByte(at) & 0x0F) * 4;
        int protocol = buf.getUnsignedByte(at + IPV4_PROTOCOL);
        boolean laterFragment = (buf.getUnsignedShort(at + IPV4_FRAGMENT) & 0x1FFF) != 0;
        if ((protocol == Ipv4View.PROTOCOL_TCP || protocol == Ipv4View.PROTOCOL_UDP) && !laterFragment
                && headerLength >= Ipv4View.MIN_HEADER_LENGTH && length >= headerLength + 4) {
            // A TCP or UDP frame names the client's end: only that end's flows matter.
            return lb.conntrack().mayHaveFlowsTo(dst, buf.getUnsignedShort(at + headerLength + 2));
        }
        // ICMP errors and later fragments of a flow's datagrams carry no ports of their own.
        return lb.conntrack().mayHaveFlowsTo(dst);
    }

    private void handOff(int kind, int vni, int port, NetworkCounters c, ByteBuf buf, int offset, int length) {
        if (!toOwner.offer(kind, vni, port, buf, offset, length)) {
            c.drop(DropReason.HANDOFF_FULL);
        }
    }

    private void classify(SwitchPort from, ByteBuf buf, int offset, int length, boolean handedOff) {
        OverlayTables tables = this.tables;
        NetworkCounters c = counters.forVni(from.vni());
        NetworkTable net = tables.network(from.vni());
        if (net == null) {
            c.drop(DropReason.UNKNOWN_VNI);
            return;
        }
        int frameOffset = offset + SwitchPort.VNET_HEADER_LENGTH;
        int frameLength = length - SwitchPort.VNET_HEADER_LENGTH;
        if (!vnet.wrap(buf, offset) || !eth.wrap(buf, frameOffset, frameLength)) {
            c.drop(DropReason.RUNT);
            return;
        }
        FrameTap tap = this.tap;
        if (tap != null && !handedOff) {
            tap.onFrame(from.vni(), buf, frameOffset, frameLength);
        }
        if (net.localPort(eth.src()) != from.id()) {
            c.drop(DropReason.SOURCE_MAC_MISMATCH);
            return;
        }
        if (eth.etherType() == EthernetView.TYPE_ARP && answerArp(from, net, c, buf)) {
            return;
        }
        if (eth.isMulticast()) {
            c.drop(DropReason.FLOOD);
            return;
        }
        if (!vnet.isGso() && frameLength - eth.headerLength() > net.mtu()) {
            c.drop(DropReason.OVERSIZE);
            return;
        }
        long dst = eth.dst();
        int portId = net.localPort(dst);
        int vtep = portId == NetworkTable.NO_PORT ? net.remoteVtep(dst) : NetworkTable.NO_VTEP;
        // A VIP's MAC is in the ARP table only, never in the forwarding table, so only a
        // frame the switch cannot place can be for a VIP: task-to-task traffic skips the
        // load balancer altogether.
        if (portId == NetworkTable.NO_PORT && vtep == NetworkTable.NO_VTEP && eth.etherType() == EthernetView.TYPE_IPV4) {
            if (toOwner != null) {
                handOff(Handoff.FROM_PORT, from.vni(), from.id(), c, buf, offset, length);
                return;
            }
            int verdict = lb.fromPort(from.vni(), buf, frameOffset, frameLength, vnet.needsChecksum(),
                    portScratch, SwitchPort.VNET_HEADER_LENGTH);
            if (verdict >= 0) {
                portScratch.setZero(0, SwitchPort.VNET_HEADER_LENGTH);
                if (!from.write(portScratch, 0, SwitchPort.VNET_HEADER_LENGTH + verdict)) {
                    c.drop(DropReason.PORT_BUSY);
                }
                return;
            }
            if (verdict == NatStage.DROP) {
                return;
            }
            // Rewritten to a backend: place the frame by its new destination MAC.
            dst = eth.dst();
            portId = net.localPort(dst);
            vtep = portId == NetworkTable.NO_PORT ? net.remoteVtep(dst) : NetworkTable.NO_VTEP;
        }
        if (portId != NetworkTable.NO_PORT) {
            switchLocal(from, portId, c, buf, offset, length);
            return;
        }
        if (vtep == NetworkTable.NO_VTEP) {
            c.drop(DropReason.UNKNOWN_DESTINATION);
            return;
        }
        if (vnet.isGso()) {
            encapsulateSegments(net, vtep, c, buf, frameOffset, frameLength);
        } else {
            encapsulate(net.vni(), vtep, c, buf, frameOffset, frameLength);
        }
    }

    /**
     * Answers an ARP request for an address in the tables with a reply to the asking port;
     * returns whether the frame was dealt with (answered, or a broadcast request dropped).
     * A unicast request for an unknown address goes on like any unicast frame, so the
     * owner answers a neighbour's reachability probe itself.
     */
    private boolean answerArp(SwitchPort from, NetworkTable net, NetworkCounters c, ByteBuf buf) {
        if (!arp.wrap(buf, eth.payloadOffset(), eth.payloadLength()) || !arp.isRequest() || arp.isGratuitous()) {
            return false;
        }
        long answer = net.arpMac(arp.targetIp());
        if (answer == NetworkTable.NO_MAC) {
            if (eth.isMulticast()) {
                c.drop(DropReason.ARP_UNANSWERED);
                return true;
            }
            return false;
        }
        ByteBuf out = portScratch;
        out.setZero(0, SwitchPort.VNET_HEADER_LENGTH);
        int at = SwitchPort.VNET_HEADER_LENGTH;
        at += EthernetView.write(out, at, arp.senderMac(), answer, EthernetView.TYPE_ARP);
        at += arp.writeReply(out, at, answer);
        if (from.write(out, 0, at)) {
            c.add(NetworkCounters.ARP_REPLIES, 1);
        } else {
            c.drop(DropReason.PORT_BUSY);
        }
        return true;
    }

    /** Writes the frame, virtio header and all, to another port of the same network. */
    private void switchLocal(SwitchPort from, int portId, NetworkCounters c, ByteBuf buf, int offset, int length) {
        if (portId == from.id()) {
            c.drop(DropReason.HAIRPIN);
            return;
        }
        SwitchPort to = ports.get(portId);
        if (to == null || to.vni() != from.vni()) {
            c.drop(DropReason.PORT_MISMATCH);
            return;
        }
        if (toOwner != null && forOwner(buf)) {
            handOff(Handoff.FROM_PORT, from.vni(), from.id(), c, buf, offset, length);
            return;
        }
        lb.toPort(to.vni(), buf, offset + SwitchPort.VNET_HEADER_LENGTH, length - SwitchPort.VNET_HEADER_LENGTH,
                vnet.needsChecksum());
        if (to.write(buf, offset, length)) {
            c.count(NetworkCounters.LOCAL_PACKETS, length - SwitchPort.VNET_HEADER_LENGTH);
        } else {
            c.drop(DropReason.PORT_BUSY);
        }
    }

    /** Sends one ordinary frame, completing a partial checksum first. */
    private void encapsulate(int vni, int vtep, NetworkCounters c, ByteBuf buf, int frameOffset, int frameLength) {
        int checksumAt = -1;
        int checksumFrom = 0;
        if (vnet.needsChecksum()) {
            checksumFrom = vnet.csumStart();
            checksumAt = checksumFrom + vnet.csumOffset();
            if (checksumFrom < EthernetView.HEADER_LENGTH || checksumAt + 2 > frameLength) {
                c.drop(DropReason.BAD_OFFLOAD);
                return;
            }
        }
        int hash = FlowHash.of(buf, frameOffset, frameLength);
        ByteBuf out = underlay.alloc().directBuffer(VxlanView.HEADER_LENGTH + frameLength);
        VxlanView.write(out, 0, vni);
        Copy.bytes(buf, frameOffset, out, VxlanView.HEADER_LENGTH, frameLength);
        out.writerIndex(VxlanView.HEADER_LENGTH + frameLength);
        if (checksumAt >= 0) {
            int from = VxlanView.HEADER_LENGTH + checksumFrom;
            // The field holds the pseudo-header sum (CHECKSUM_PARTIAL); summing over it
            // completes the checksum. A zero result goes out as 0xFFFF, its one's
            // complement twin, which UDP needs (0 means "none") and TCP accepts.
            int checksum = ~BulkChecksum.sum(out, from, frameLength - checksumFrom, 0) & 0xFFFF;
            out.setShort(VxlanView.HEADER_LENGTH + checksumAt, checksum == 0 ? 0xFFFF : checksum);
        }
        if (underlay.send(out, vtep, hash, 0)) {
            c.count(NetworkCounters.TX_PACKETS, frameLength);
        } else {
            c.drop(DropReason.UNDERLAY_BUSY);
        }
    }

    /** Cuts a TSO super-frame into MSS-sized frames and sends them, batched by UDP GSO where the socket can. */
    private void encapsulateSegments(NetworkTable net, int vtep, NetworkCounters c, ByteBuf buf,
                                     int frameOffset, int frameLength) {
        int gsoType = vnet.gsoType() & ~VirtioNetHdr.GSO_ECN;
        if (gsoType != VirtioNetHdr.GSO_TCPV4 || eth.etherType() != EthernetView.TYPE_IPV4
                || !segmenter.prepare(buf, frameOffset, frameLength, eth.headerLength(), vnet.gsoSize())) {
            c.drop(DropReason.BAD_OFFLOAD);
            return;
        }
        try {
            if (segmenter.fullSegmentIpLength() > net.mtu()) {
                c.drop(DropReason.OVERSIZE);
                return;
            }
            int hash = FlowHash.of(buf, frameOffset, frameLength);
            int segments = segmenter.segments();
            int stride = segmenter.stride();
            int perSend = underlay.supportsSegmentation()
                    ? Math.max(1, Math.min(MAX_GSO_SEGMENTS, MAX_UDP_PAYLOAD / stride)) : 1;
            for (int first = 0; first < segments; first += perSend) {
                int count = Math.min(perSend, segments - first);
                int bytes = segmenter.bytes(first, count);
                ByteBuf out = underlay.alloc().directBuffer(bytes);
                try {
                    // The views check their bounds against the writer index.
                    out.writerIndex(bytes);
                    segmenter.write(first, count, net.vni(), out, 0);
                } catch (RuntimeException e) {
                    out.release();
                    throw e;
                }
                if (underlay.send(out, vtep, hash, count > 1 ? stride : 0)) {
                    c.add(NetworkCounters.TX_PACKETS, count);
                    c.add(NetworkCounters.TX_BYTES, bytes - count * VxlanView.HEADER_LENGTH);
                } else {
                    c.drop(DropReason.UNDERLAY_BUSY);
                }
            }
        } finally {
            segmenter.clear();
        }
    }

    /**
     * Handles one VXLAN datagram from {@code srcIp}: {@code length} bytes of UDP payload at
     * {@code offset}. The buffer is the caller's and is not kept.
     */
    void fromPeer(int srcIp, ByteBuf buf, int offset, int length) {
        try {
            decapsulate(srcIp, buf, offset, length);
        } catch (RuntimeException e) {
            internalError(e);
        }
    }

    private void decapsulate(int srcIp, ByteBuf buf, int offset, int length) {
        OverlayTables tables = this.tables;
        if (!tables.isPeer(srcIp)) {
            counters.node().drop(DropReason.UNKNOWN_PEER);
            return;
        }
        if (length < VxlanView.HEADER_LENGTH) {
            counters.node().drop(DropReason.RUNT);
            return;
        }
        if (!vxlan.wrap(buf, offset, length)) {
            counters.node().drop(DropReason.BAD_FLAGS);
            return;
        }
        int vni = vxlan.vni();
        NetworkTable net = tables.network(vni);
        if (net == null) {
            counters.node().drop(DropReason.UNKNOWN_VNI);
            return;
        }
        NetworkCounters c = counters.forVni(vni);
        int frameOffset = vxlan.payloadOffset();
        int frameLength = vxlan.payloadLength();
        if (!eth.wrap(buf, frameOffset, frameLength)) {
            c.drop(DropReason.RUNT);
            return;
        }
        FrameTap tap = this.tap;
        if (tap != null) {
            tap.onFrame(vni, buf, frameOffset, frameLength);
        }
        if (frameLength - eth.headerLength() > net.mtu()) {
            c.drop(DropReason.OVERSIZE);
            return;
        }
        if (net.remoteVtep(eth.src()) != srcIp) {
            c.drop(DropReason.UNKNOWN_SOURCE);
            return;
        }
        if (eth.etherType() == EthernetView.TYPE_IPV4 && !ip.wrap(buf, eth.payloadOffset(), eth.payloadLength())) {
            c.drop(DropReason.BAD_IPV4_HEADER);
            return;
        }
        if (eth.isMulticast()) {
            c.drop(DropReason.FLOOD);
            return;
        }
        int portId = net.localPort(eth.dst());
        if (portId == NetworkTable.NO_PORT) {
            c.drop(DropReason.UNKNOWN_DESTINATION);
            return;
        }
        SwitchPort to = ports.get(portId);
        if (to == null || to.vni() != vni) {
            c.drop(DropReason.PORT_MISMATCH);
            return;
        }
        if (toOwner != null && forOwner(buf)) {
            // After what the coalescer holds for the port, so the frames stay in order.
            coalescer.flush();
            handOff(Handoff.FROM_PEER, vni, portId, c, buf, frameOffset, frameLength);
            return;
        }
        deliver(vni, c, to, buf, frameOffset, frameLength);
    }

    /** Delivers a decapsulated frame the views are on to local port {@code to}. */
    private void deliver(int vni, NetworkCounters c, SwitchPort to, ByteBuf buf, int frameOffset, int frameLength) {
        // Replies from a remote backend come back to the VIP here, on the client's node,
        // before the coalescer merges them.
        lb.toPort(vni, buf, frameOffset, frameLength, false);
        if (eth.etherType() == EthernetView.TYPE_IPV4 && coalescer.offer(to, c, buf, frameOffset, frameLength, ip)) {
            return;
        }
        coalescer.flush();
        // A zero virtio header: a plain frame whose checksums the task's kernel checks,
        // so corruption on the underlay is caught end to end, as with Linux's vxlan.
        ByteBuf out = portScratch;
        out.setZero(0, SwitchPort.VNET_HEADER_LENGTH);
        Copy.bytes(buf, frameOffset, out, SwitchPort.VNET_HEADER_LENGTH, frameLength);
        if (to.write(out, 0, SwitchPort.VNET_HEADER_LENGTH + frameLength)) {
            c.count(NetworkCounters.RX_PACKETS, frameLength);
        } else {
            c.drop(DropReason.PORT_BUSY);
        }
    }

    /**
     * Counts a packet the data path failed on, a bug; logs the first such failure with its
     * stack and the rest at debug, so a packet of death cannot flood the log.
     */
    private void internalError(RuntimeException e) {
        counters.node().drop(DropReason.INTERNAL_ERROR);
        if (!internalErrorLogged) {
            internalErrorLogged = true;
            LOG.error("data path failed on a packet; further failures are only counted", e);
        } else {
            LOG.debug("data path failed on a packet", e);
        }
    }

    /** Returns the load balancer stage; its counters may be read from any thread. */
    NatStage loadBalancer() {
        return lb;
    }

    /**
     * Periodic work of the load balancer (about once a second, on the event loop): expiring
     * flows and resetting the clients of backends that left the service table.
     */
    void housekeep() {
        // Its own batch: it reads the time now, not the last batch's, and leaves none behind.
        clock.endBatch();
        try {
            lb.housekeep(lbSink, portScratch, SwitchPort.VNET_HEADER_LENGTH);
        } catch (RuntimeException e) {
            internalError(e);
        } finally {
            clock.endBatch();
        }
    }

    /** Writes a frame the load balancer built in the port scratch buffer to the port of {@code clientMac}. */
    private boolean sendToClient(int vni, long clientMac, int length) {
        NetworkTable net = tables.network(vni);
        SwitchPort to = net == null ? null : ports.get(net.localPort(clientMac));
        if (to == null || to.vni() != vni) {
            return false;
        }
        portScratch.setZero(0, SwitchPort.VNET_HEADER_LENGTH);
        return to.write(portScratch, 0, SwitchPort.VNET_HEADER_LENGTH + length);
    }

    /**
     * Ends a batch: writes the frame being coalesced, hands queued datagrams to the kernel,
     * and lets the next batch read the clock afresh.
     */
    void flush() {
        clock.endBatch();
        try {
            coalescer.flush();
        } catch (RuntimeException e) {
            internalError(e);
        }
        underlay.flush();
        if (toOwner != null) {
            toOwner.signal();
        }
    }
}
