package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.stage.BatchClock;
import io.swarmnet.packet.stage.FrameSink;
import io.swarmnet.packet.stage.FrameStage;
import java.util.HashSet;
import java.util.Set;

/**
 * A frame stage that plays a load balancer of one VIP and one backend, to test the data
 * path's side of the contract: it rewrites a TCP or UDP frame to the VIP to the backend
 * (MAC and address, checksums left alone) and remembers the client's end; it rewrites a
 * reply from the backend to such an end to come from the VIP. A test may make it drop,
 * answer with a frame of its own, or send one when it housekeeps. It reads its clock as
 * the real one does: once per frame to the VIP and once per housekeeping.
 */
final class FakeStage implements FrameStage {
    private final int vip;
    private final long vipMac;
    private final BatchClock clock;
    private final EthernetView eth = new EthernetView();
    private final Ipv4View ip = new Ipv4View();
    /** Client ends ({@code ip << 16 | port}) and client addresses with flows. */
    private final Set<Long> ends = new HashSet<>();
    private final Set<Integer> clients = new HashSet<>();
    int backend;
    long backendMac;
    /** When set, a frame to the VIP is dropped. */
    boolean drop;
    /** When set, a frame to the VIP is answered with this frame. */
    byte[] reply;
    /** When set, housekeeping sends this frame to the port of {@link #housekeepMac}. */
    byte[] housekeepFrame;
    long housekeepMac;
    int vni;
    int fromPortCalls;
    int toPortCalls;
    int rewrittenReplies;

    FakeStage(int vip, long vipMac, int backend, long backendMac, BatchClock clock) {
        this.vip = vip;
        this.vipMac = vipMac;
        this.backend = backend;
        this.backendMac = backendMac;
        this.clock = clock;
    }

    @Override
    public int fromPort(int vni, ByteBuf buf, int frameOffset, int frameLength, boolean checksumPartial, ByteBuf out,
                        int outAt) {
        fromPortCalls++;
        if (!wrap(buf, frameOffset, frameLength) || ip.dst() != vip) {
            return PASS;
        }
        clock.getAsLong();
        if (drop) {
            return DROP;
        }
        if (reply != null) {
            out.setBytes(outAt, reply);
            return reply.length;
        }
        ends.add(end(ip.src(), buf.getUnsignedShort(ip.payloadOffset())));
        clients.add(ip.src());
        eth.setDst(backendMac);
        ip.setDst(backend);
        return FORWARD;
    }

    @Override
    public boolean toPort(int vni, ByteBuf buf, int frameOffset, int frameLength, boolean checksumPartial) {
        toPortCalls++;
        if (!wrap(buf, frameOffset, frameLength) || ip.src() != backend
                || !ends.contains(end(ip.dst(), buf.getUnsignedShort(ip.payloadOffset() + 2)))) {
            return false;
        }
        eth.setSrc(vipMac);
        ip.setSrc(vip);
        rewrittenReplies++;
        return true;
    }

    @Override
    public void housekeep(FrameSink sink, ByteBuf out, int outAt) {
        clock.getAsLong();
        if (housekeepFrame != null) {
            out.setBytes(outAt, housekeepFrame);
            sink.send(vni, housekeepMac, housekeepFrame.length);
        }
    }

    @Override
    public boolean mayHaveFlowsTo(int ip) {
        return clients.contains(ip);
    }

    @Override
    public boolean mayHaveFlowsTo(int ip, int port) {
        return ends.contains(end(ip, port));
    }

    private boolean wrap(ByteBuf buf, int frameOffset, int frameLength) {
        return eth.wrap(buf, frameOffset, frameLength) && eth.etherType() == EthernetView.TYPE_IPV4
                && ip.wrap(buf, eth.payloadOffset(), eth.payloadLength())
                && (ip.protocol() == Ipv4View.PROTOCOL_TCP || ip.protocol() == Ipv4View.PROTOCOL_UDP)
                && ip.payloadLength() >= 4;
    }

    private static long end(int ip, int port) {
        return (Integer.toUnsignedLong(ip) << 16) | port;
    }
}
