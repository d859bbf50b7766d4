package io.swarmnet.vxlan.vtep;

import static io.swarmnet.packet.testing.Frames.ARP_REQUEST;
import static io.swarmnet.packet.testing.Frames.ICMP_ECHO;
import static io.swarmnet.vxlan.vtep.TestFrames.IP_2;
import static io.swarmnet.vxlan.vtep.TestFrames.IP_5;
import static io.swarmnet.vxlan.vtep.TestFrames.MAC_2;
import static io.swarmnet.vxlan.vtep.TestFrames.MAC_5;
import static io.swarmnet.packet.testing.Frames.TCP_SYN;
import static io.swarmnet.vxlan.vtep.TestFrames.TCP_SYN_CHECKSUM;
import static io.swarmnet.vxlan.vtep.TestFrames.concat;
import static io.swarmnet.packet.testing.Frames.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.packet.Checksums;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.port.SwitchPort;
import io.swarmnet.vxlan.vtep.TestFrames.FakePort;
import io.swarmnet.vxlan.vtep.TestFrames.RecordingUnderlay;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The data path without I/O: frames from fake ports, datagrams from fake peers, compared
 * byte for byte with what the fake underlay and ports receive, and every drop counted
 * under its reason.
 */
class DataPathTest {
    static final int VNI = 4096;
    static final int OTHER_VNI = 4098;
    static final int MTU = 1350;
    static final int PEER = Ipv4Address.parse("192.0.2.12");
    static final int STRANGER = Ipv4Address.parse("192.0.2.66");
    /** The VXLAN header for {@link #VNI}: I flag, VNI 0x001000. */
    static final byte[] VXLAN_4096 = hex("0800 0000 0010 0000");

    private final VtepCounters counters = new VtepCounters();
    private final RecordingUnderlay underlay = new RecordingUnderlay();
    private final DataPath path = new DataPath(counters, underlay);
    /** The task 10.0.0.5 on this host; 10.0.0.2 is behind {@link #PEER}. */
    private final FakePort port5 = new FakePort(1, VNI);

    DataPathTest() {
        path.addPort(port5);
        path.publish(OverlayTables.builder(1).peer(PEER).network(VNI, MTU)
                .localPort(VNI, MAC_5, port5.id())
                .remote(VNI, MAC_2, PEER)
                .arp(VNI, IP_5, MAC_5).arp(VNI, IP_2, MAC_2)
                .build());
    }

    @AfterEach
    void release() {
        path.release();
    }

    private void fromPort(SwitchPort port, byte[] frame) {
        ByteBuf buf = TestFrames.fromTap(frame);
        try {
            path.fromPort(port, buf, 0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    private void fromPeer(int src, ByteBuf datagram) {
        try {
            path.fromPeer(src, datagram, datagram.readerIndex(), datagram.readableBytes());
        } finally {
            datagram.release();
        }
    }

    private NetworkCounters network() {
        return counters.forVni(VNI);
    }

    // --- TAP ingress: classify and encapsulate -------------------------------------------

    @Test
    void encapsulatesUnicastForARemoteMacByteExact() {
        fromPort(port5, ICMP_ECHO);
        assertThat(underlay.sent).hasSize(1);
        RecordingUnderlay.Sent sent = underlay.sent.get(0);
        assertThat(sent.bytes()).isEqualTo(concat(VXLAN_4096, ICMP_ECHO));
        assertThat(sent.peer()).isEqualTo(PEER);
        assertThat(sent.segmentSize()).isZero();
        assertThat(network().txPackets()).isEqualTo(1);
        assertThat(network().txBytes()).isEqualTo(ICMP_ECHO.length);
    }

    @Test
    void hashesOneFlowToOneSourcePortAndFlowsApart() {
        fromPort(port5, TCP_SYN);
        fromPort(port5, TCP_SYN);
        byte[] otherPort = TCP_SYN.clone();
        otherPort[14 + 20 + 1] ^= 1;
        fromPort(port5, otherPort);
        assertThat(underlay.sent.get(1).flowHash()).isEqualTo(underlay.sent.get(0).flowHash());
        assertThat(underlay.sent.get(2).flowHash()).isNotEqualTo(underlay.sent.get(0).flowHash());
    }

    @Test
    void completesAPartialChecksumBeforeTheWire() {
        byte[] partial = TCP_SYN.clone();
        int pseudo = Checksums.pseudoHeaderSum(IP_5, IP_2, 6, 40);
        partial[TCP_SYN_CHECKSUM] = (byte) (pseudo >>> 8);
        partial[TCP_SYN_CHECKSUM + 1] = (byte) pseudo;
        ByteBuf buf = TestFrames.fromTap(partial);
        buf.setByte(0, 1); // NEEDS_CSUM
        buf.setShortLE(6, 34); // csum_start: the TCP header
        buf.setShortLE(8, 16); // csum_offset: its checksum field
        try {
            path.fromPort(port5, buf, 0, buf.readableBytes());
        } finally {
            buf.release();
        }
        assertThat(underlay.sent.get(0).bytes()).isEqualTo(concat(VXLAN_4096, TCP_SYN));
    }

    @Test
    void answersArpForAKnownAddressByteExact() {
        fromPort(port5, ARP_REQUEST);
        assertThat(port5.written).hasSize(1);
        assertThat(port5.written.get(0)).isEqualTo(hex(
                "0000 0000 0000 0000 0000" // virtio header: a plain frame
              + "0242 0a00 0005 0242 0a00 0002 0806"
              + "0001 0800 0604 0002 0242 0a00 0002 0a00 0002 0242 0a00 0005 0a00 0005"));
        assertThat(underlay.sent).isEmpty();
        assertThat(network().arpReplies()).isEqualTo(1);
    }

    @Test
    void dropsABroadcastArpRequestForAnUnknownAddress() {
        byte[] request = ARP_REQUEST.clone();
        request[14 + 27] = 9; // asks for 10.0.0.9
        fromPort(port5, request);
        assertThat(port5.written).isEmpty();
        assertThat(underlay.sent).isEmpty();
        assertThat(network().drops(DropReason.ARP_UNANSWERED)).isEqualTo(1);
    }

    @Test
    void forwardsAUnicastArpProbeForAnUnknownAddressToItsOwner() {
        byte[] probe = ARP_REQUEST.clone();
        probe[14 + 27] = 9;
        System.arraycopy(ICMP_ECHO, 0, probe, 0, 6); // to 02:42:0a:00:00:02, behind the peer
        fromPort(port5, probe);
        assertThat(underlay.sent).hasSize(1);
    }

    @Test
    void dropsGratuitousArpAndOtherBroadcastAsFlood() {
        byte[] gratuitous = ARP_REQUEST.clone();
        gratuitous[14 + 27] = 5; // announces 10.0.0.5 itself
        fromPort(port5, gratuitous);
        byte[] multicast = ICMP_ECHO.clone();
        System.arraycopy(hex("3333 0000 0001"), 0, multicast, 0, 6);
        fromPort(port5, multicast);
        assertThat(network().drops(DropReason.FLOOD)).isEqualTo(2);
        assertThat(underlay.sent).isEmpty();
    }

    @Test
    void switchesBetweenLocalPortsKeepingTheVirtioHeader() {
        FakePort port2 = new FakePort(2, VNI);
        path.addPort(port2);
        path.publish(OverlayTables.builder(2).network(VNI, MTU)
                .localPort(VNI, MAC_5, port5.id()).localPort(VNI, MAC_2, port2.id()).build());
        ByteBuf buf = TestFrames.fromTap(ICMP_ECHO);
        buf.setByte(0, 1); // whatever offload state the sender's kernel left passes through
        try {
            path.fromPort(port5, buf, 0, buf.readableBytes());
            assertThat(port2.written).containsExactly(TestFrames.bytes(buf, 0, buf.readableBytes()));
        } finally {
            buf.release();
        }
        assertThat(network().localPackets()).isEqualTo(1);
        assertThat(underlay.sent).isEmpty();
    }

    @Test
    void dropsAFrameBackToItsOwnPort() {
        byte[] toSelf = ICMP_ECHO.clone();
        System.arraycopy(toSelf, 6, toSelf, 0, 6);
        fromPort(port5, toSelf);
        assertThat(network().drops(DropReason.HAIRPIN)).isEqualTo(1);
    }

    @Test
    void dropsAFrameForAnUnknownMac() {
        byte[] unknown = ICMP_ECHO.clone();
        unknown[5] = 0x77;
        fromPort(port5, unknown);
        assertThat(network().drops(DropReason.UNKNOWN_DESTINATION)).isEqualTo(1);
    }

    @Test
    void dropsAFrameWhoseSourceMacIsNotThePorts() {
        byte[] spoofed = ICMP_ECHO.clone();
        spoofed[11] = 0x09;
        fromPort(port5, spoofed);
        assertThat(network().drops(DropReason.SOURCE_MAC_MISMATCH)).isEqualTo(1);
        assertThat(underlay.sent).isEmpty();
    }

    @Test
    void dropsARuntTapFrame() {
        fromPort(port5, Arrays.copyOf(ICMP_ECHO, 13));
        ByteBuf headerOnly = Unpooled.directBuffer(6).writeZero(6);
        try {
            path.fromPort(port5, headerOnly, 0, 6);
        } finally {
            headerOnly.release();
        }
        assertThat(network().drops(DropReason.RUNT)).isEqualTo(2);
    }

    @Test
    void dropsATapFrameOverTheNetworkMtu() {
        byte[] big = new byte[14 + MTU + 1];
        System.arraycopy(ICMP_ECHO, 0, big, 0, 14);
        fromPort(port5, big);
        assertThat(network().drops(DropReason.OVERSIZE)).isEqualTo(1);
    }

    @Test
    void dropsFramesOfAPortWhoseNetworkHasNoTable() {
        FakePort orphan = new FakePort(3, OTHER_VNI);
        path.addPort(orphan);
        fromPort(orphan, ICMP_ECHO);
        assertThat(counters.forVni(OTHER_VNI).drops(DropReason.UNKNOWN_VNI)).isEqualTo(1);
    }

    @Test
    void dropsAnOffloadItDidNotAskFor() {
        ByteBuf udpGso = TestFrames.fromTap(ICMP_ECHO);
        udpGso.setByte(1, 5); // GSO_UDP_L4
        udpGso.setShortLE(4, 100);
        ByteBuf badCsum = TestFrames.fromTap(ICMP_ECHO);
        badCsum.setByte(0, 1);
        badCsum.setShortLE(6, 90); // csum_start past the frame
        try {
            path.fromPort(port5, udpGso, 0, udpGso.readableBytes());
            path.fromPort(port5, badCsum, 0, badCsum.readableBytes());
        } finally {
            udpGso.release();
            badCsum.release();
        }
        assertThat(network().drops(DropReason.BAD_OFFLOAD)).isEqualTo(2);
        assertThat(underlay.sent).isEmpty();
    }

    @Test
    void dropsWhenTheUnderlayIsBusy() {
        underlay.busy = true;
        fromPort(port5, ICMP_ECHO);
        assertThat(network().drops(DropReason.UNDERLAY_BUSY)).isEqualTo(1);
        assertThat(network().txPackets()).isZero();
    }

    // --- UDP ingress: check and decapsulate ----------------------------------------------

    /** Makes this host the one of 10.0.0.2 (port 7), with 10.0.0.5 behind {@link #PEER}. */
    private FakePort becomeHostOf2() {
        FakePort port2 = new FakePort(7, VNI);
        path.addPort(port2);
        path.publish(OverlayTables.builder(2).peer(PEER).network(VNI, MTU)
                .localPort(VNI, MAC_2, port2.id()).remote(VNI, MAC_5, PEER).build());
        return port2;
    }

    @Test
    void decapsulatesToThePortOfTheInnerDestinationByteExact() {
        FakePort port2 = becomeHostOf2();
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, ICMP_ECHO));
        assertThat(port2.written).containsExactly(concat(new byte[SwitchPort.VNET_HEADER_LENGTH], ICMP_ECHO));
        assertThat(network().rxPackets()).isEqualTo(1);
        assertThat(network().rxBytes()).isEqualTo(ICMP_ECHO.length);
    }

    @Test
    void aTapSeesEveryFrameFromPortsAndPeersEvenOnesDroppedLaterAndNothingOnceRemoved() {
        java.util.List<String> seen = new java.util.ArrayList<>();
        path.tap((vni, buf, offset, length) -> {
            byte[] frame = new byte[length];
            buf.getBytes(offset, frame);
            seen.add(vni + ":" + java.util.HexFormat.of().formatHex(frame));
        });
        fromPort(port5, ICMP_ECHO);
        FakePort port2 = becomeHostOf2();
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, ICMP_ECHO));
        fromPeer(PEER, TestFrames.vxlan(0x08, OTHER_VNI, ICMP_ECHO));

        String frame = java.util.HexFormat.of().formatHex(ICMP_ECHO);
        assertThat(seen).as("the frame to an unknown VNI is dropped before the tap").containsExactly(VNI + ":" + frame, VNI + ":" + frame);
        assertThat(port2.written).hasSize(1);

        path.tap(null);
        fromPort(port5, ICMP_ECHO);
        assertThat(seen).hasSize(2);
    }

    @Test
    void ignoresReservedVxlanBitsAsRfc7348Says() {
        FakePort port2 = becomeHostOf2();
        ByteBuf datagram = TestFrames.vxlan(0x08 | 0x40, VNI, ICMP_ECHO);
        datagram.setByte(7, 0xEE);
        fromPeer(PEER, datagram);
        assertThat(port2.written).hasSize(1);
    }

    @Test
    void dropsVxlanFromAnUnknownPeer() {
        FakePort port2 = becomeHostOf2();
        fromPeer(STRANGER, TestFrames.vxlan(0x08, VNI, ICMP_ECHO));
        assertThat(counters.node().drops(DropReason.UNKNOWN_PEER)).isEqualTo(1);
        assertThat(port2.written).isEmpty();
    }

    @Test
    void dropsARuntDatagram() {
        becomeHostOf2();
        fromPeer(PEER, Unpooled.directBuffer(7).writeZero(7));
        assertThat(counters.node().drops(DropReason.RUNT)).isEqualTo(1);
    }

    @Test
    void dropsVxlanWithoutTheIFlag() {
        becomeHostOf2();
        fromPeer(PEER, TestFrames.vxlan(0x00, VNI, ICMP_ECHO));
        fromPeer(PEER, TestFrames.vxlan(0xF7, VNI, ICMP_ECHO));
        assertThat(counters.node().drops(DropReason.BAD_FLAGS)).isEqualTo(2);
    }

    @Test
    void dropsVxlanForAVniThisNodeDoesNotServe() {
        becomeHostOf2();
        fromPeer(PEER, TestFrames.vxlan(0x08, OTHER_VNI, ICMP_ECHO));
        assertThat(counters.node().drops(DropReason.UNKNOWN_VNI)).isEqualTo(1);
        assertThat(counters.network(OTHER_VNI)).isNull();
    }

    @Test
    void dropsATruncatedInnerFrame() {
        becomeHostOf2();
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, Arrays.copyOf(ICMP_ECHO, 13)));
        assertThat(network().drops(DropReason.RUNT)).isEqualTo(1);
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, Arrays.copyOf(ICMP_ECHO, 60)));
        assertThat(network().drops(DropReason.BAD_IPV4_HEADER)).as("total length past the frame").isEqualTo(1);
    }

    @Test
    void dropsAnOversizeInnerFrame() {
        becomeHostOf2();
        byte[] big = new byte[14 + MTU + 1];
        System.arraycopy(ICMP_ECHO, 0, big, 0, 14);
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, big));
        assertThat(network().drops(DropReason.OVERSIZE)).isEqualTo(1);
    }

    @Test
    void dropsABadInnerIpv4HeaderLength() {
        FakePort port2 = becomeHostOf2();
        byte[] shortIhl = ICMP_ECHO.clone();
        shortIhl[14] = 0x44; // IHL 4: 16 bytes, below the minimum
        byte[] longIhl = ICMP_ECHO.clone();
        longIhl[14] = 0x4F; // IHL 15: a 60-byte header...
        longIhl[16] = 0;
        longIhl[17] = 40; // ...in a packet whose total length says 40
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, shortIhl));
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, longIhl));
        assertThat(network().drops(DropReason.BAD_IPV4_HEADER)).isEqualTo(2);
        assertThat(port2.written).isEmpty();
    }

    @Test
    void dropsAnInnerFrameFromAMacNotBehindTheSendingPeer() {
        becomeHostOf2();
        byte[] spoofed = ICMP_ECHO.clone();
        spoofed[11] = 0x09;
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, spoofed));
        assertThat(network().drops(DropReason.UNKNOWN_SOURCE)).isEqualTo(1);
    }

    @Test
    void dropsInnerBroadcastAndUnknownUnicast() {
        becomeHostOf2();
        byte[] broadcast = ICMP_ECHO.clone();
        Arrays.fill(broadcast, 0, 6, (byte) 0xFF);
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, broadcast));
        byte[] unknown = ICMP_ECHO.clone();
        unknown[5] = 0x77;
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, unknown));
        assertThat(network().drops(DropReason.FLOOD)).isEqualTo(1);
        assertThat(network().drops(DropReason.UNKNOWN_DESTINATION)).isEqualTo(1);
    }

    @Test
    void neverDeliversToAPortOfAnotherNetworkWhateverTheTablesSay() {
        FakePort blue = new FakePort(9, OTHER_VNI);
        path.addPort(blue);
        // A stale or broken table that puts a VNI 4096 MAC on a VNI 4098 port.
        path.publish(OverlayTables.builder(3).peer(PEER).network(VNI, MTU)
                .localPort(VNI, MAC_2, blue.id()).remote(VNI, MAC_5, PEER).build());
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, ICMP_ECHO));
        assertThat(blue.written).isEmpty();
        assertThat(network().drops(DropReason.PORT_MISMATCH)).isEqualTo(1);
    }

    @Test
    void countsAPortThatCannotTakeTheFrame() {
        FakePort port2 = becomeHostOf2();
        port2.refuse = true;
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, ICMP_ECHO));
        assertThat(network().drops(DropReason.PORT_BUSY)).isEqualTo(1);
    }

    @Test
    void survivesAndCountsAPacketItFailsOn() {
        FakePort port2 = new FakePort(7, VNI) {
            @Override
            public boolean write(ByteBuf buf, int offset, int length) {
                throw new IllegalStateException("a bug");
            }
        };
        path.addPort(port2);
        path.publish(OverlayTables.builder(2).peer(PEER).network(VNI, MTU)
                .localPort(VNI, MAC_2, port2.id()).remote(VNI, MAC_5, PEER).build());
        fromPeer(PEER, TestFrames.vxlan(0x08, VNI, ICMP_ECHO));
        assertThat(counters.node().drops(DropReason.INTERNAL_ERROR)).isEqualTo(1);
    }
}
