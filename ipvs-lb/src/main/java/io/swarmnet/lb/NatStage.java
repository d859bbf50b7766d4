package io.swarmnet.lb;

import io.netty.buffer.ByteBuf;
import io.swarmnet.lb.conntrack.ConntrackTable;
import io.swarmnet.lb.table.Backend;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.lb.table.VirtualServer;
import io.swarmnet.packet.Checksums;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.IcmpView;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.TcpView;
import io.swarmnet.packet.UdpView;
import java.util.function.LongSupplier;

/**
 * The load balancer on the packet path: what IPVS does in a Docker task's namespace, done
 * on the frames of the overlay switch. A frame from a local port to a VIP gets its backend
 * (from conntrack, or a new pick) and is rewritten to it; a frame about to be delivered to
 * a local port that answers a tracked flow is rewritten back to come from the VIP.
 *
 * <p>Design notes a reviewer should know:
 * <ul>
 *   <li>Destination NAT only, ports unchanged (like Docker's IPVS with fwmark): the backend
 *       sees the client's real address, and answers it directly; conntrack lives on the
 *       client's node, so replies are translated there, after decapsulation when the
 *       backend is remote. Nothing assumes the client is a task: any local port (a task,
 *       the routing mesh's node ingress port) may open flows.</li>
 *   <li>Checksums are updated incrementally (RFC 1624). A frame a TAP hands over with a
 *       partial checksum ({@code CHECKSUM_PARTIAL}, e.g. TSO) holds the uncomplemented
 *       pseudo-header sum in its TCP/UDP checksum field; it is adjusted as a sum.</li>
 *   <li>Backend changes apply live. Draining backends take no new flows but keep theirs.
 *       A flow whose backend left the table is noticed at its next packet or at the next
 *       {@link #housekeep}: TCP gets a RST to the client so it fails fast, UDP picks a
 *       new backend (moby#36878: Docker leaves such flows stuck for minutes).</li>
 *   <li>A service with no active backend answers TCP with a RST (connection refused) and
 *       drops UDP; ICMP echo to a VIP is answered here, whatever the backends.</li>
 * </ul>
 *
 * <p>WARNING: owned by one thread, the data path's event loop (it holds flyweights and the
 * conntrack table); only {@link #publish} and the counter getters may be called from others.
 */
public final class NatStage {
    /** {@link #fromPort}: the frame is not for a VIP; switch it unchanged. */
    public static final int PASS = -1;
    /** {@link #fromPort}: the frame was rewritten to its backend; switch it by its new destination MAC. */
    public static final int FORWARD = -2;
    /** {@link #fromPort}: the frame was dropped and counted. */
    public static final int DROP = -3;

    private static final int TTL = 64;
    private static final int RESET_LENGTH = EthernetView.HEADER_LENGTH + Ipv4View.MIN_HEADER_LENGTH + TcpView.MIN_HEADER_LENGTH;
    /** Offsets of the checksum fields within their headers. */
    private static final int TCP_CHECKSUM = 16;
    private static final int UDP_CHECKSUM = 6;
    /** Slots a new flow that finds the table full looks at for expired flows before it is dropped. */
    private static final int FULL_TABLE_SWEEP = 256;
    private static final int MAX_SWEEP = 1 << 16;
    private static final int ICMP_UNREACHABLE = 3;
    private static final int ICMP_TIME_EXCEEDED = 11;
    private static final int ICMP_PARAMETER_PROBLEM = 12;

    private final LbConfig config;
    private final LongSupplier clock;
    private final LbCounters counters = new LbCounters();
    private final ConntrackTable conntrack;
    private final FragmentTable fragments = new FragmentTable();
    private final long synTimeout;
    private final long establishedTimeout;
    private final long finTimeout;
    private final long closeTimeout;
    private final long udpTimeout;
    private final int sweepPerCall;
    private volatile ServiceTable table = ServiceTable.EMPTY;

    private final EthernetView eth = new EthernetView();
    private final Ipv4View ip = new Ipv4View();
    private final TcpView tcp = new TcpView();
    private final UdpView udp = new UdpView();
    private final IcmpView icmp = new IcmpView();
    /** The table the cached backend indices in conntrack refer to, and its number. */
    private ServiceTable epochTable = ServiceTable.EMPTY;
    private int epoch;
    /** The table {@link #housekeep} last checked every flow against. */
    private ServiceTable checkedTable = ServiceTable.EMPTY;

    /**
     * Makes a stage with {@code config}, reading time from {@code nanoClock}
     * ({@code System::nanoTime}; tests pass their own).
     */
    public NatStage(LbConfig config, LongSupplier nanoClock) {
        this.config = config;
        this.clock = nanoClock;
        this.conntrack = new ConntrackTable(config.conntrackMax(), config.embryonicMax(), this::removing);
        this.synTimeout = config.tcpSynTimeout().toNanos();
        this.establishedTimeout = config.tcpEstablishedTimeout().toNanos();
        this.finTimeout = config.tcpFinTimeout().toNanos();
        this.closeTimeout = config.tcpCloseTimeout().toNanos();
        this.udpTimeout = config.udpTimeout().toNanos();
        // An eighth of the table a call, so a default table is swept every 8 s; at most
        // 64 K slots (4 MiB of flow state, about a millisecond), so a huge table never
        // stalls the event loop: its flows also expire when met, and a full table sweeps.
        this.sweepPerCall = Math.min(MAX_SWEEP, Math.max(1024, config.conntrackMax() / 8));
    }

    /** Makes {@code table} the one new packets are balanced by; any thread. */
    public void publish(ServiceTable table) {
        this.table = table;
    }

    /** Returns the table in force; any thread. */
    public ServiceTable table() {
        return table;
    }

    /** Returns the configuration. */
    public LbConfig config() {
        return config;
    }

    /** Returns the counters; any thread. */
    public LbCounters counters() {
        return counters;
    }

    /** Returns the conntrack table; its counters may be read from any thread, the rest only on the event loop. */
    public ConntrackTable conntrack() {
        return conntrack;
    }

    /**
     * Handles a frame from local port of network {@code vni}: {@code frameLength} bytes of
     * Ethernet at {@code frameOffset}, whose TCP/UDP checksum is {@code checksumPartial}
     * (the port said {@code NEEDS_CSUM}). Returns {@link #PASS}, {@link #FORWARD} (rewritten
     * in place), {@link #DROP}, or the length (0 or more) of a reply frame for the sender
     * built in {@code out} at {@code outAt} (an echo reply, a RST).
     */
    public int fromPort(int vni, ByteBuf buf, int frameOffset, int frameLength, boolean checksumPartial,
                        ByteBuf out, int outAt) {
        ServiceTable t = table;
        if (t.isEmpty() || !eth.wrap(buf, frameOffset, frameLength) || eth.etherType() != EthernetView.TYPE_IPV4
                || !ip.wrap(buf, eth.payloadOffset(), eth.payloadLength())) {
            return PASS;
        }
        VirtualServer vs = t.service(vni, ip.dst());
        if (vs == null) {
            return PASS;
        }
        int protocol = ip.protocol();
        // A datagram's first fragment carries the ports and is balanced as a whole datagram
        // would be; the fragments after it go where it went (FragmentTable).
        boolean firstFragment = ip.isFragment();
        if (firstFragment && ip.fragmentOffset() != 0) {
            return laterFragment(vni, vs);
        }
        int l4 = ip.payloadOffset();
        int l4Length = ip.payloadLength();
        int srcPort;
        int dstPort;
        int flags = 0;
        int checksumAt;
        if (protocol == Ipv4View.PROTOCOL_TCP) {
            if (!tcp.wrap(buf, l4, l4Length)) {
                return drop(LbDropReason.MALFORMED);
            }
            srcPort = tcp.srcPort();
            dstPort = tcp.dstPort();
            flags = tcp.flags();
            checksumAt = l4 + TCP_CHECKSUM;
        } else if (protocol == Ipv4View.PROTOCOL_UDP) {
            // A first fragment holds the header but not the length it announces.
            if (firstFragment ? l4Length < UdpView.HEADER_LENGTH : !udp.wrap(buf, l4, l4Length)) {
                return drop(LbDropReason.MALFORMED);
            }
            srcPort = buf.getUnsignedShort(l4);
            dstPort = buf.getUnsignedShort(l4 + 2);
            checksumAt = l4 + UDP_CHECKSUM;
        } else if (protocol == Ipv4View.PROTOCOL_ICMP) {
            // An echo is answered here, which needs it whole.
            return firstFragment ? drop(LbDropReason.FRAGMENT) : echo(vs, buf, frameOffset, out, outAt);
        } else {
            return drop(LbDropReason.UNSUPPORTED);
        }
        long now = clock.getAsLong();
        int epoch = epochOf(t);
        int client = ip.src();
        int slot = conntrack.find(ConntrackTable.forwardA(client, vs.vip()),
                ConntrackTable.forwardB(vni, protocol, srcPort, dstPort), now);
        boolean tcpFlow = protocol == Ipv4View.PROTOCOL_TCP;
        if (slot != ConntrackTable.NONE && tcpFlow && (flags & (TcpView.SYN | TcpView.ACK)) == TcpView.SYN
                && conntrack.state(slot) >= ConntrackTable.TCP_FIN_WAIT) {
            // A new connection on the port of one that is closing (TIME_WAIT reuse): a new flow.
            conntrack.remove(slot);
            slot = ConntrackTable.NONE;
        }
        Backend backend;
        if (slot != ConntrackTable.NONE) {
            int i = resolve(vs, slot, epoch);
            if (i < 0) {
                if (tcpFlow) {
                    conntrack.remove(slot);
                    return reset(vs, out, outAt);
                }
                i = vs.pick(flowHash(client, srcPort, protocol), client);
                if (i < 0) {
                    conntrack.remove(slot);
                    return drop(LbDropReason.NO_BACKEND);
                }
                backend = vs.backend(i);
                conntrack.rebind(slot, backend.ip(), backend.mac());
                conntrack.setCache(slot, ((long) epoch << 32) | i);
                backend.counters().flowOpened();
                counters.add(LbCounters.PICKS, 1);
                counters.add(LbCounters.REPICKS, 1);
            } else {
                backend = vs.backend(i);
            }
        } else {
            if (tcpFlow && (flags & TcpView.RST) != 0) {
                return drop(LbDropReason.NO_FLOW);
            }
            int i = vs.pick(flowHash(client, srcPort, protocol), client);
            if (i < 0) {
                return tcpFlow ? reset(vs, out, outAt) : drop(LbDropReason.NO_BACKEND);
            }
            backend = vs.backend(i);
            int state = tcpFlow ? ConntrackTable.TCP_SYN_SENT : ConntrackTable.UDP;
            long expires = now + (tcpFlow ? synTimeout : udpTimeout);
            slot = conntrack.insert(vni, protocol, client, srcPort, vs.vip(), dstPort, eth.src(), vs.vipMac(),
                    backend.ip(), backend.mac(), state, expires);
            // A full table may hold flows that expired since the last sweep: look for some first.
            if (slot == ConntrackTable.NONE && conntrack.sweep(now, FULL_TABLE_SWEEP) > 0) {
                slot = conntrack.insert(vni, protocol, client, srcPort, vs.vip(), dstPort, eth.src(), vs.vipMac(),
                        backend.ip(), backend.mac(), state, expires);
            }
            if (slot == ConntrackTable.NONE) {
                return drop(LbDropReason.TABLE_FULL);
            }
            conntrack.setCache(slot, ((long) epoch << 32) | i);
            backend.counters().flowOpened();
            counters.add(LbCounters.NEW_FLOWS, 1);
            counters.add(LbCounters.PICKS, 1);
        }
        if (tcpFlow) {
            clientSegment(slot, flags);
        }
        conntrack.setExpires(slot, now + timeout(conntrack.state(slot)));
        int vip = vs.vip();
        int target = backend.ip();
        eth.setDst(backend.mac());
        ip.setDst(target);
        ip.adjustChecksum32(vip, target);
        adjustL4(buf, checksumAt, vip, target, checksumPartial, !tcpFlow);
        if (firstFragment) {
            fragments.put(FragmentTable.keyA(client, vip), FragmentTable.keyB(false, vni, protocol, ip.identification()),
                    target, backend.mac(), now);
        }
        counters.add(LbCounters.FORWARD_PACKETS, 1);
        return FORWARD;
    }

    /** A fragment after the first of a datagram to a VIP (in the views): sent where the first one went, or dropped. */
    private int laterFragment(int vni, VirtualServer vs) {
        int vip = vs.vip();
        int slot = fragments.find(FragmentTable.keyA(ip.src(), vip),
                FragmentTable.keyB(false, vni, ip.protocol(), ip.identification()), clock.getAsLong());
        if (slot < 0) {
            return drop(LbDropReason.FRAGMENT);
        }
        int target = fragments.address(slot);
        eth.setDst(fragments.mac(slot));
        ip.setDst(target);
        ip.adjustChecksum32(vip, target);
        counters.add(LbCounters.FORWARD_PACKETS, 1);
        return FORWARD;
    }

    /**
     * Handles a frame about to be delivered to a local port of network {@code vni}: if it
     * answers a tracked flow, rewrites its source to the VIP (address and MAC) and returns
     * true; an ICMP error about a tracked flow gets the VIP in what it quotes too. Otherwise
     * leaves the frame alone and returns false.
     */
    public boolean toPort(int vni, ByteBuf buf, int frameOffset, int frameLength, boolean checksumPartial) {
        if (conntrack.size() == 0 || !eth.wrap(buf, frameOffset, frameLength)
                || eth.etherType() != EthernetView.TYPE_IPV4 || !ip.wrap(buf, eth.payloadOffset(), eth.payloadLength())) {
            return false;
        }
        int protocol = ip.protocol();
        boolean firstFragment = ip.isFragment();
        if (firstFragment && ip.fragmentOffset() != 0) {
            return laterReplyFragment(vni);
        }
        int l4 = ip.payloadOffset();
        int l4Length = ip.payloadLength();
        int srcPort;
        int dstPort;
        int checksumAt;
        if (protocol == Ipv4View.PROTOCOL_TCP) {
            if (!tcp.wrap(buf, l4, l4Length)) {
                return false;
            }
            srcPort = tcp.srcPort();
            dstPort = tcp.dstPort();
            checksumAt = l4 + TCP_CHECKSUM;
        } else if (protocol == Ipv4View.PROTOCOL_UDP) {
            if (firstFragment ? l4Length < UdpView.HEADER_LENGTH : !udp.wrap(buf, l4, l4Length)) {
                return false;
            }
            srcPort = buf.getUnsignedShort(l4);
            dstPort = buf.getUnsignedShort(l4 + 2);
            checksumAt = l4 + UDP_CHECKSUM;
        } else if (firstFragment) {
            return false;
        } else if (protocol == Ipv4View.PROTOCOL_ICMP) {
            return icmpError(vni, buf, l4, l4Length);
        } else {
            return false;
        }
        long now = clock.getAsLong();
        int backendIp = ip.src();
        int slot = conntrack.find(ConntrackTable.replyA(backendIp, ip.dst()),
                ConntrackTable.replyB(vni, protocol, srcPort, dstPort), now);
        if (slot == ConntrackTable.NONE) {
            return false;
        }
        if (protocol == Ipv4View.PROTOCOL_TCP) {
            backendSegment(slot, l4Length);
        }
        conntrack.setExpires(slot, now + timeout(conntrack.state(slot)));
        int vip = conntrack.vip(slot);
        eth.setSrc(conntrack.vipMac(slot));
        ip.setSrc(vip);
        ip.adjustChecksum32(backendIp, vip);
        adjustL4(buf, checksumAt, backendIp, vip, checksumPartial, protocol == Ipv4View.PROTOCOL_UDP);
        if (firstFragment) {
            fragments.put(FragmentTable.keyA(backendIp, ip.dst()),
                    FragmentTable.keyB(true, vni, protocol, ip.identification()), vip, conntrack.vipMac(slot), now);
        }
        counters.add(LbCounters.REPLY_PACKETS, 1);
        return true;
    }

    /** A fragment after the first of a reply (in the views): from the VIP if its first fragment was. */
    private boolean laterReplyFragment(int vni) {
        int backendIp = ip.src();
        int slot = fragments.find(FragmentTable.keyA(backendIp, ip.dst()),
                FragmentTable.keyB(true, vni, ip.protocol(), ip.identification()), clock.getAsLong());
        if (slot < 0) {
            return false;
        }
        int vip = fragments.address(slot);
        eth.setSrc(fragments.mac(slot));
        ip.setSrc(vip);
        ip.adjustChecksum32(backendIp, vip);
        counters.add(LbCounters.REPLY_PACKETS, 1);
        return true;
    }

    /**
     * Translates an ICMP error (destination unreachable, time exceeded, parameter problem)
     * about a tracked flow, in the views: the quoted packet went from the client to the
     * backend, and the client's kernel matches it to its socket only if it names the VIP.
     * So the quoted destination becomes the VIP (with the quoted IPv4 and TCP/UDP checksums,
     * as far as they were quoted), and so does the error's source if the backend sent it;
     * the ICMP checksum follows each change (RFC 1624).
     */
    private boolean icmpError(int vni, ByteBuf buf, int at, int length) {
        if (length < IcmpView.HEADER_LENGTH + Ipv4View.MIN_HEADER_LENGTH + 8) {
            return false;
        }
        int type = buf.getUnsignedByte(at);
        if (type != ICMP_UNREACHABLE && type != ICMP_TIME_EXCEEDED && type != ICMP_PARAMETER_PROBLEM) {
            return false;
        }
        int inner = at + IcmpView.HEADER_LENGTH;
        int versionIhl = buf.getUnsignedByte(inner);
        int ihl = (versionIhl & 0x0F) << 2;
        int protocol = buf.getUnsignedByte(inner + 9);
        if ((versionIhl >>> 4) != 4 || ihl < Ipv4View.MIN_HEADER_LENGTH || IcmpView.HEADER_LENGTH + ihl + 8 > length
                || (protocol != Ipv4View.PROTOCOL_TCP && protocol != Ipv4View.PROTOCOL_UDP)) {
            return false;
        }
        int client = buf.getInt(inner + 12);
        int backend = buf.getInt(inner + 16);
        int quotedL4 = inner + ihl;
        if (client != ip.dst()) {
            return false;
        }
        int slot = conntrack.find(ConntrackTable.replyA(backend, client),
                ConntrackTable.replyB(vni, protocol, buf.getUnsignedShort(quotedL4 + 2), buf.getUnsignedShort(quotedL4)),
                clock.getAsLong());
        if (slot == ConntrackTable.NONE) {
            return false;
        }
        int vip = conntrack.vip(slot);
        int icmpChecksum = buf.getUnsignedShort(at + 2);
        buf.setInt(inner + 16, vip);
        icmpChecksum = Checksums.adjust32(icmpChecksum, backend, vip);
        int oldIpChecksum = buf.getUnsignedShort(inner + 10);
        int newIpChecksum = Checksums.adjust32(oldIpChecksum, backend, vip);
        buf.setShort(inner + 10, newIpChecksum);
        icmpChecksum = Checksums.adjust16(icmpChecksum, oldIpChecksum, newIpChecksum);
        boolean udpQuoted = protocol == Ipv4View.PROTOCOL_UDP;
        int quotedChecksumAt = quotedL4 + (udpQuoted ? UDP_CHECKSUM : TCP_CHECKSUM);
        if (quotedChecksumAt + 2 <= at + length) {
            int old = buf.getUnsignedShort(quotedChecksumAt);
            adjustL4(buf, quotedChecksumAt, backend, vip, false, udpQuoted);
            icmpChecksum = Checksums.adjust16(icmpChecksum, old, buf.getUnsignedShort(quotedChecksumAt));
        }
        buf.setShort(at + 2, icmpChecksum);
        int src = ip.src();
        if (src == backend) {
            ip.setSrc(vip);
            ip.adjustChecksum32(src, vip);
            eth.setSrc(conntrack.vipMac(slot));
        }
        counters.add(LbCounters.REPLY_PACKETS, 1);
        return true;
    }

    /**
     * Periodic work on the event loop (about once a second): expires flows, a bounded
     * number of slots at a time, and after a table change checks every flow's backend:
     * TCP flows whose backend left get a RST built in {@code out} at {@code outAt} and
     * handed to {@code sink}, then are removed; UDP flows are removed, so their next
     * datagram picks a backend anew.
     */
    public void housekeep(ClientSink sink, ByteBuf out, int outAt) {
        long now = clock.getAsLong();
        conntrack.sweep(now, sweepPerCall);
        ServiceTable t = table;
        if (t == checkedTable) {
            return;
        }
        checkedTable = t;
        int epoch = epochOf(t);
        for (int slot = 0, n = conntrack.slots(); slot < n; slot++) {
            int state = conntrack.state(slot);
            if (state == ConntrackTable.FREE) {
                continue;
            }
            VirtualServer vs = t.service(conntrack.vni(slot), conntrack.vip(slot));
            if (vs != null && resolve(vs, slot, epoch) >= 0) {
                continue;
            }
            if (state != ConntrackTable.UDP && state != ConntrackTable.TCP_CLOSE && outAt + RESET_LENGTH <= out.capacity()) {
                writeReset(out, outAt, conntrack.clientMac(slot), conntrack.vipMac(slot), conntrack.vip(slot),
                        conntrack.clientIp(slot), conntrack.vipPort(slot), conntrack.clientPort(slot),
                        conntrack.replySeqEnd(slot), 0, TcpView.RST);
                if (sink.send(conntrack.vni(slot), conntrack.clientMac(slot), RESET_LENGTH)) {
                    counters.add(LbCounters.RESETS, 1);
                }
            }
            conntrack.remove(slot);
        }
    }

    /** Returns the backend index of flow {@code slot} in {@code vs}, or -1 if its backend is no longer there. */
    private int resolve(VirtualServer vs, int slot, int epoch) {
        long cache = conntrack.cache(slot);
        if (cache != -1L && (int) (cache >>> 32) == epoch) {
            return (int) cache;
        }
        int i = vs.indexOf(conntrack.backendIp(slot));
        // The same address with another MAC is another task: the flow's task is gone.
        if (i < 0 || vs.backend(i).mac() != conntrack.backendMac(slot)) {
            return -1;
        }
        conntrack.setCache(slot, ((long) epoch << 32) | i);
        return i;
    }

    private int epochOf(ServiceTable t) {
        if (t != epochTable) {
            epochTable = t;
            epoch = (epoch + 1) & 0x7FFF_FFFF;
        }
        return epoch;
    }

    /** The client side of the TCP state machine. */
    private void clientSegment(int slot, int flags) {
        int state = conntrack.state(slot);
        if ((flags & TcpView.RST) != 0) {
            conntrack.setState(slot, ConntrackTable.TCP_CLOSE);
        } else if ((flags & TcpView.FIN) != 0) {
            conntrack.addFlags(slot, ConntrackTable.FLAG_CLIENT_FIN);
            conntrack.setState(slot, (conntrack.flags(slot) & ConntrackTable.FLAG_BACKEND_FIN) != 0
                    ? ConntrackTable.TCP_CLOSE : ConntrackTable.TCP_FIN_WAIT);
        } else if (state == ConntrackTable.TCP_SYN_RECV && (flags & (TcpView.SYN | TcpView.ACK)) == TcpView.ACK) {
            conntrack.setState(slot, ConntrackTable.TCP_ESTABLISHED);
        }
    }

    /** The backend side of the TCP state machine; {@code tcp} is wrapped on its segment of {@code length} bytes. */
    private void backendSegment(int slot, int length) {
        int flags = tcp.flags();
        int state = conntrack.state(slot);
        int end = tcp.sequence() + length - tcp.headerLength() + ((flags & TcpView.SYN) != 0 ? 1 : 0)
                + ((flags & TcpView.FIN) != 0 ? 1 : 0);
        conntrack.advanceReplySeqEnd(slot, end);
        if ((flags & TcpView.RST) != 0) {
            conntrack.setState(slot, ConntrackTable.TCP_CLOSE);
        } else if ((flags & TcpView.FIN) != 0) {
            conntrack.addFlags(slot, ConntrackTable.FLAG_BACKEND_FIN);
            conntrack.setState(slot, (conntrack.flags(slot) & ConntrackTable.FLAG_CLIENT_FIN) != 0
                    ? ConntrackTable.TCP_CLOSE : ConntrackTable.TCP_FIN_WAIT);
        } else if (state == ConntrackTable.TCP_SYN_SENT) {
            // A SYN-ACK moves the handshake on; a plain ACK answers a flow picked up mid-stream.
            conntrack.setState(slot, (flags & TcpView.SYN) != 0 ? ConntrackTable.TCP_SYN_RECV
                    : ConntrackTable.TCP_ESTABLISHED);
        }
    }

    private long timeout(int state) {
        switch (state) {
            case ConntrackTable.TCP_ESTABLISHED:
                return establishedTimeout;
            case ConntrackTable.TCP_FIN_WAIT:
                return finTimeout;
            case ConntrackTable.TCP_CLOSE:
                return closeTimeout;
            case ConntrackTable.UDP:
                return udpTimeout;
            default:
                return synTimeout;
        }
    }

    /** Called by the conntrack table before a flow leaves it: the backend has one flow less. */
    private void removing(int slot) {
        VirtualServer vs = table.service(conntrack.vni(slot), conntrack.vip(slot));
        int i = vs == null ? -1 : vs.indexOf(conntrack.backendIp(slot));
        if (i >= 0 && vs.backend(i).mac() == conntrack.backendMac(slot)) {
            vs.backend(i).counters().flowClosed();
        }
    }

    /**
     * Updates the TCP/UDP checksum at {@code at} for an address changed from {@code from}
     * to {@code to}. A partial checksum holds the pseudo-header sum itself, not its
     * complement, so it is adjusted as a sum; a UDP datagram without checksum keeps none.
     */
    static void adjustL4(ByteBuf buf, int at, int from, int to, boolean partial, boolean udp) {
        int field = buf.getUnsignedShort(at);
        if (partial) {
            buf.setShort(at, ~Checksums.adjust32(~field & 0xFFFF, from, to) & 0xFFFF);
        } else if (!udp || field != UdpView.NO_CHECKSUM) {
            int checksum = Checksums.adjust32(field, from, to);
            buf.setShort(at, udp && checksum == 0 ? 0xFFFF : checksum);
        }
    }

    /** Answers an ICMP echo request to the VIP with a reply built in {@code out}; other ICMP is dropped. */
    private int echo(VirtualServer vs, ByteBuf buf, int frameOffset, ByteBuf out, int outAt) {
        if (!icmp.wrap(buf, ip.payloadOffset(), ip.payloadLength()) || !icmp.isEchoRequest()) {
            return drop(LbDropReason.UNSUPPORTED);
        }
        if (!icmp.isChecksumValid()) {
            return drop(LbDropReason.BAD_CHECKSUM);
        }
        int ipAt = eth.payloadOffset() - frameOffset;
        int length = ipAt + ip.totalLength();
        if (outAt < 0 || outAt + length > out.capacity()) {
            return drop(LbDropReason.OVERSIZE);
        }
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            out.setLong(outAt + i, buf.getLong(frameOffset + i));
        }
        for (; i < length; i++) {
            out.setByte(outAt + i, buf.getByte(frameOffset + i));
        }
        int client = ip.src();
        long clientMac = eth.src();
        if (out.writerIndex() < outAt + length) {
            out.writerIndex(outAt + length);
        }
        eth.wrap(out, outAt, length);
        eth.setDst(clientMac);
        eth.setSrc(vs.vipMac());
        ip.wrap(out, outAt + ipAt, length - ipAt);
        ip.setSrc(vs.vip());
        ip.setDst(client);
        ip.setTtl(TTL);
        ip.fillChecksum();
        icmp.wrap(out, ip.payloadOffset(), ip.payloadLength());
        icmp.toEchoReply();
        counters.add(LbCounters.ECHO_REPLIES, 1);
        return length;
    }

    /**
     * Answers the TCP segment in the views (to a VIP whose backend is gone or absent) with a
     * RST built in {@code out}, as RFC 9293 §3.10.7.1 says for a closed port: the RST takes
     * its sequence number from the segment's ACK, or acknowledges the segment if it had none.
     */
    private int reset(VirtualServer vs, ByteBuf out, int outAt) {
        if (outAt < 0 || outAt + RESET_LENGTH > out.capacity()) {
            return drop(LbDropReason.OVERSIZE);
        }
        int flags = tcp.flags();
        int seq;
        int ack;
        int rstFlags;
        if ((flags & TcpView.ACK) != 0) {
            seq = tcp.acknowledgment();
            ack = 0;
            rstFlags = TcpView.RST;
        } else {
            seq = 0;
            ack = tcp.sequence() + tcp.length() - tcp.headerLength() + ((flags & TcpView.SYN) != 0 ? 1 : 0)
                    + ((flags & TcpView.FIN) != 0 ? 1 : 0);
            rstFlags = TcpView.RST | TcpView.ACK;
        }
        writeReset(out, outAt, eth.src(), vs.vipMac(), vs.vip(), ip.src(), tcp.dstPort(), tcp.srcPort(), seq, ack,
                rstFlags);
        counters.add(LbCounters.RESETS, 1);
        return RESET_LENGTH;
    }

    /** Writes a 54-byte RST frame from the VIP to the client at {@code at}. */
    static void writeReset(ByteBuf out, int at, long clientMac, long vipMac, int vip, int client, int vipPort,
                           int clientPort, int seq, int ack, int flags) {
        int ipAt = at + EthernetView.write(out, at, clientMac, vipMac, EthernetView.TYPE_IPV4);
        int tcpAt = ipAt + Ipv4View.write(out, ipAt, Ipv4View.MIN_HEADER_LENGTH + TcpView.MIN_HEADER_LENGTH, 0, TTL,
                Ipv4View.PROTOCOL_TCP, vip, client);
        out.setShort(tcpAt, vipPort);
        out.setShort(tcpAt + 2, clientPort);
        out.setInt(tcpAt + 4, seq);
        out.setInt(tcpAt + 8, ack);
        out.setByte(tcpAt + 12, (TcpView.MIN_HEADER_LENGTH / 4) << 4);
        out.setByte(tcpAt + 13, flags);
        out.setShort(tcpAt + 14, 0);
        out.setShort(tcpAt + TCP_CHECKSUM, 0);
        out.setShort(tcpAt + 18, 0);
        int pseudo = Checksums.pseudoHeaderSum(vip, client, Ipv4View.PROTOCOL_TCP, TcpView.MIN_HEADER_LENGTH);
        out.setShort(tcpAt + TCP_CHECKSUM, ~Checksums.sum(out, tcpAt, TcpView.MIN_HEADER_LENGTH, pseudo) & 0xFFFF);
    }

    private int drop(LbDropReason reason) {
        counters.drop(reason);
        return DROP;
    }

    /** Hashes what identifies a client's flow for consistent hashing: its address, port and protocol. */
    public static int flowHash(int client, int port, int protocol) {
        long z = ((long) client << 32) ^ ((long) port << 8) ^ protocol;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return (int) (z ^ (z >>> 33));
    }
}
