package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.packet.testing.Frames;
import org.junit.jupiter.api.Test;

/**
 * The public field offsets read the reference frames' bytes as the views' getters do, so
 * code that reads a header by offset (the data path's steering, the load balancer's ICMP
 * errors) reads the same fields.
 */
class FieldOffsetsTest {
    private final EthernetView eth = new EthernetView();
    private final Ipv4View ip = new Ipv4View();
    private final TcpView tcp = new TcpView();
    private final UdpView udp = new UdpView();
    private final IcmpView icmp = new IcmpView();

    @Test
    void ethernetAndIpv4OffsetsReadWhatTheViewsRead() {
        ByteBuf b = Unpooled.wrappedBuffer(Frames.TCP_SYN);
        assertThat(eth.wrap(b, 0)).isTrue();
        assertThat(b.getLong(EthernetView.DST) >>> 16).isEqualTo(eth.dst());
        assertThat(b.getLong(EthernetView.SRC) >>> 16).isEqualTo(eth.src());
        assertThat(b.getUnsignedShort(EthernetView.ETHER_TYPE)).isEqualTo(eth.etherType());
        assertThat(ip.wrap(b, Frames.IP)).isTrue();
        assertThat((b.getUnsignedByte(Frames.IP + Ipv4View.VERSION_IHL) & 0x0F) * 4).isEqualTo(ip.headerLength());
        assertThat(b.getUnsignedShort(Frames.IP + Ipv4View.TOTAL_LENGTH)).isEqualTo(ip.totalLength());
        assertThat(b.getUnsignedShort(Frames.IP + Ipv4View.IDENTIFICATION)).isEqualTo(ip.identification());
        assertThat(b.getUnsignedShort(Frames.IP + Ipv4View.FLAGS_FRAGMENT) & Ipv4View.FRAGMENT_OFFSET_MASK)
                .isEqualTo(ip.fragmentOffset());
        assertThat((int) b.getUnsignedByte(Frames.IP + Ipv4View.TTL)).isEqualTo(ip.ttl());
        assertThat((int) b.getUnsignedByte(Frames.IP + Ipv4View.PROTOCOL)).isEqualTo(ip.protocol());
        assertThat(b.getUnsignedShort(Frames.IP + Ipv4View.CHECKSUM)).isEqualTo(ip.checksum());
        assertThat(b.getInt(Frames.IP + Ipv4View.SRC)).isEqualTo(ip.src());
        assertThat(b.getInt(Frames.IP + Ipv4View.DST)).isEqualTo(ip.dst());
    }

    @Test
    void tcpOffsetsReadWhatTheViewReads() {
        ByteBuf b = Unpooled.wrappedBuffer(Frames.TCP_SYN);
        ip.wrap(b, Frames.IP);
        assertThat(tcp.wrap(b, ip.payloadOffset(), ip.payloadLength())).isTrue();
        int at = Frames.L4;
        assertThat(b.getUnsignedShort(at + TcpView.SRC_PORT)).isEqualTo(tcp.srcPort()).isEqualTo(43512);
        assertThat(b.getUnsignedShort(at + TcpView.DST_PORT)).isEqualTo(tcp.dstPort()).isEqualTo(80);
        assertThat(b.getInt(at + TcpView.SEQUENCE)).isEqualTo(tcp.sequence());
        assertThat(b.getInt(at + TcpView.ACKNOWLEDGMENT)).isEqualTo(tcp.acknowledgment());
        assertThat((b.getUnsignedByte(at + TcpView.DATA_OFFSET) >> 4) * 4).isEqualTo(tcp.headerLength());
        assertThat((int) b.getUnsignedByte(at + TcpView.FLAGS)).isEqualTo(tcp.flags());
        assertThat(b.getUnsignedShort(at + TcpView.CHECKSUM)).isEqualTo(tcp.checksum());
    }

    @Test
    void udpAndIcmpOffsetsReadWhatTheViewsRead() {
        ByteBuf b = Unpooled.wrappedBuffer(Frames.UDP_DNS_QUERY);
        ip.wrap(b, Frames.IP);
        assertThat(udp.wrap(b, ip.payloadOffset(), ip.payloadLength())).isTrue();
        assertThat(b.getUnsignedShort(Frames.L4 + UdpView.SRC_PORT)).isEqualTo(udp.srcPort());
        assertThat(b.getUnsignedShort(Frames.L4 + UdpView.DST_PORT)).isEqualTo(udp.dstPort());
        assertThat(b.getUnsignedShort(Frames.L4 + UdpView.LENGTH)).isEqualTo(udp.length());
        assertThat(b.getUnsignedShort(Frames.L4 + UdpView.CHECKSUM)).isEqualTo(udp.checksum());

        ByteBuf e = Unpooled.wrappedBuffer(Frames.ICMP_ECHO);
        ip.wrap(e, Frames.IP);
        assertThat(icmp.wrap(e, ip.payloadOffset(), ip.payloadLength())).isTrue();
        assertThat((int) e.getUnsignedByte(Frames.L4 + IcmpView.TYPE)).isEqualTo(icmp.type());
        assertThat((int) e.getUnsignedByte(Frames.L4 + IcmpView.CODE)).isEqualTo(icmp.code());
        assertThat(e.getUnsignedShort(Frames.L4 + IcmpView.CHECKSUM)).isEqualTo(icmp.checksum());
        assertThat(e.getUnsignedShort(Frames.L4 + IcmpView.IDENTIFIER)).isEqualTo(icmp.identifier());
        assertThat(e.getUnsignedShort(Frames.L4 + IcmpView.SEQUENCE)).isEqualTo(icmp.sequence());
    }
}
