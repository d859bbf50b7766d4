package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packet path must not allocate: views, checksums and NAT updates are measured on this thread. */
class AllocationTest {

    private static final int WARM_UP = 20_000;
    private static final int ITERATIONS = 100_000;
    /** Room for the measurement itself; a single byte per iteration would be 100 000. */
    private static final long ALLOWANCE = 4_096;

    private final EthernetView eth = new EthernetView();
    private final ArpView arp = new ArpView();
    private final Ipv4View ip = new Ipv4View();
    private final IcmpView icmp = new IcmpView();
    private final UdpView udp = new UdpView();
    private final TcpView tcp = new TcpView();
    private final VxlanView vxlan = new VxlanView();

    @Test
    @Timeout(60)
    void wrappingReadingAndRewritingAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's ThreadMXBean");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "needs per-thread allocation accounting");
        ByteBuf[] frames = {
            Placement.HEAP_AT_ZERO.place(Frames.ARP_REQUEST), Placement.DIRECT_AT_13.place(Frames.ARP_REQUEST),
            Placement.HEAP_AT_7.place(Frames.ICMP_ECHO), Placement.DIRECT_AT_ZERO.place(Frames.ICMP_ECHO),
            Placement.HEAP_AT_ZERO.place(Frames.TCP_SYN), Placement.DIRECT_AT_13.place(Frames.TCP_SYN),
            Placement.HEAP_AT_7.place(Frames.UDP_DNS_QUERY), Placement.DIRECT_AT_ZERO.place(Frames.UDP_DNS_QUERY),
            Placement.HEAP_AT_ZERO.place(Frames.VXLAN_ICMP), Placement.DIRECT_AT_13.place(Frames.VXLAN_ICMP),
        };
        ByteBuf scratch = Placement.DIRECT_AT_ZERO.allocate(64);

        long sink = run(frames, scratch, WARM_UP);
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += run(frames, scratch, ITERATIONS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sink).as("the loop did its work").isNotZero();
        assertThat(allocated).as("bytes allocated in %d iterations", ITERATIONS).isLessThan(ALLOWANCE);
    }

    /** What the VTEP, the ARP responder and the NAT stage do to each frame; returns a value to keep the JIT honest. */
    private long run(ByteBuf[] frames, ByteBuf scratch, int iterations) {
        long sink = 0;
        for (int i = 0; i < iterations; i++) {
            ByteBuf buf = frames[i % frames.length];
            if (!eth.wrap(buf, buf.readerIndex())) {
                continue;
            }
            sink += eth.dst() ^ eth.src();
            if (eth.etherType() == EthernetView.TYPE_ARP) {
                if (arp.wrap(buf, eth.payloadOffset(), eth.payloadLength()) && arp.isRequest()) {
                    sink += arp.writeReply(scratch, 0, MacAddress.fromIpv4(arp.targetIp()));
                }
                continue;
            }
            if (!ip.wrap(buf, eth.payloadOffset(), eth.payloadLength()) || !ip.isChecksumValid()) {
                continue;
            }
            sink += ip.src() + ip.dst();
            switch (ip.protocol()) {
                case Ipv4View.PROTOCOL_TCP -> {
                    if (tcp.wrap(buf, ip.payloadOffset(), ip.payloadLength()) && tcp.isChecksumValid(ip.src(), ip.dst())) {
                        int dst = ip.dst();
                        int backend = dst + 7;
                        ip.setDst(backend);
                        ip.adjustChecksum32(dst, backend);
                        tcp.adjustChecksum32(dst, backend);
                        sink += tcp.flags() + tcp.sequence();
                        ip.setDst(dst);
                        ip.adjustChecksum32(backend, dst);
                        tcp.adjustChecksum32(backend, dst);
                    }
                }
                case Ipv4View.PROTOCOL_UDP -> {
                    if (udp.wrap(buf, ip.payloadOffset(), ip.payloadLength()) && udp.isChecksumValid(ip.src(), ip.dst())) {
                        if (udp.dstPort() == VxlanView.PORT
                                && vxlan.wrap(buf, udp.payloadOffset(), udp.payloadLength())) {
                            sink += vxlan.vni();
                            sink += VxlanView.write(scratch, 0, vxlan.vni());
                        } else {
                            int port = udp.srcPort();
                            udp.setSrcPort(port + 1);
                            udp.adjustChecksum16(port, port + 1);
                            sink += udp.computeChecksum(ip.src(), ip.dst());
                            udp.setSrcPort(port);
                            udp.adjustChecksum16(port + 1, port);
                        }
                    }
                }
                case Ipv4View.PROTOCOL_ICMP -> {
                    if (icmp.wrap(buf, ip.payloadOffset(), ip.payloadLength()) && icmp.isChecksumValid()) {
                        sink += icmp.identifier() + icmp.computeChecksum();
                    }
                }
                default -> sink--;
            }
        }
        return sink;
    }
}
