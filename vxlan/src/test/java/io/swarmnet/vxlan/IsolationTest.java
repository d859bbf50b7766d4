package io.swarmnet.vxlan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.IcmpView;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.VxlanView;
import io.swarmnet.vxlan.OverlayLab.Task;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.vtep.DropReason;
import io.swarmnet.vxlan.vtep.Transport;
import io.swarmnet.vxlan.vtep.Vtep;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Two overlay networks over the same two hosts: "red" (VNI 4096) and "blue" (VNI 4098), with
 * a blue task in red's subnet. Nothing crosses, however the blue task tries, and VXLAN from
 * an address that is not a cluster node is dropped and counted.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IsolationTest {
    static final int RED = 4096;
    static final int BLUE = 4098;
    static final int RED_A = Ipv4Address.parse("10.0.0.2");
    static final int RED_B = Ipv4Address.parse("10.0.0.3");
    static final int BLUE_A = Ipv4Address.parse("10.0.0.4");
    static final int BLUE_B = Ipv4Address.parse("10.0.0.5");
    static final int STRANGER = Ipv4Address.parse("192.0.2.66");

    private OverlayLab lab;
    private Vtep vtepA;
    private Vtep vtepB;
    private Task redA;
    private Task redB;
    private Task blueA;
    private Task blueB;

    @BeforeAll
    void build() throws IOException {
        lab = new OverlayLab();
        vtepA = lab.startVtep(lab.hostA(), OverlayLab.HOST_A, Transport.EPOLL);
        vtepB = lab.startVtep(lab.hostB(), OverlayLab.HOST_B, Transport.EPOLL);
        redA = lab.attachTask(vtepA, lab.hostA(), RED, RED_A);
        blueA = lab.attachTask(vtepA, lab.hostA(), BLUE, BLUE_A);
        redB = lab.attachTask(vtepB, lab.hostB(), RED, RED_B);
        blueB = lab.attachTask(vtepB, lab.hostB(), BLUE, BLUE_B);
        vtepA.publish(tables(redA, blueA, redB, blueB, OverlayLab.HOST_B));
        vtepB.publish(tables(redB, blueB, redA, blueA, OverlayLab.HOST_A));
    }

    private static OverlayTables tables(Task red, Task blue, Task remoteRed, Task remoteBlue, int peer) {
        int mtu = OverlayLab.OVERLAY_MTU;
        return OverlayTables.builder(1).peer(peer)
                .network(RED, mtu).network(BLUE, mtu)
                .localPort(RED, red.mac(), red.port().id()).localPort(BLUE, blue.mac(), blue.port().id())
                .remote(RED, remoteRed.mac(), peer).remote(BLUE, remoteBlue.mac(), peer)
                .arp(RED, red.ip(), red.mac()).arp(RED, remoteRed.ip(), remoteRed.mac())
                .arp(BLUE, blue.ip(), blue.mac()).arp(BLUE, remoteBlue.ip(), remoteBlue.mac())
                .build();
    }

    @AfterAll
    void tearDown() throws IOException {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void networksWorkWithinThemselves() throws IOException {
        assertThat(redA.ping(RED_B, 2)).isTrue();
        assertThat(blueA.ping(BLUE_B, 2)).isTrue();
    }

    @Test
    void blueTaskCannotReachRedTasks() throws IOException {
        long unanswered = vtepA.counters().network(BLUE).drops(DropReason.ARP_UNANSWERED);
        assertThat(blueA.ping(RED_B, 2)).as("blue → red on another host, by ARP").isFalse();
        assertThat(blueA.ping(RED_A, 2)).as("blue → red on the same host, by ARP").isFalse();
        assertThat(vtepA.counters().network(BLUE).drops(DropReason.ARP_UNANSWERED)).isGreaterThan(unanswered);

        // Even knowing the red MACs, blue's frames have nowhere to go in its own network.
        OverlayLab.staticNeighbour(blueA, redB);
        OverlayLab.staticNeighbour(blueA, redA);
        long unknown = vtepA.counters().network(BLUE).drops(DropReason.UNKNOWN_DESTINATION);
        assertThat(blueA.ping(RED_B, 2)).as("blue → red on another host, by MAC").isFalse();
        assertThat(blueA.ping(RED_A, 2)).as("blue → red on the same host, by MAC").isFalse();
        assertThat(vtepA.counters().network(BLUE).drops(DropReason.UNKNOWN_DESTINATION)).isGreaterThanOrEqualTo(unknown + 4);
        assertThat(vtepB.counters().network(RED).rxPackets()).isEqualTo(vtepA.counters().network(RED).txPackets());
    }

    @Test
    void dropsAndCountsForgedVxlanFromAStranger() throws IOException {
        // The stranger speaks from the underlay, from an address that is not a cluster node.
        lab.hostA().ip("addr", "add", Ipv4Address.toString(STRANGER) + "/32", "dev", "ul0");
        long before = vtepB.counters().node().drops(DropReason.UNKNOWN_PEER);
        long delivered = vtepB.counters().network(RED).rxPackets();
        byte[] forged = forgedEcho(redA, redB);
        lab.hostA().netns().call(() -> {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(ip(STRANGER), 0))) {
                for (int i = 0; i < 5; i++) {
                    socket.send(new DatagramPacket(forged, forged.length, new InetSocketAddress(ip(OverlayLab.HOST_B), 4789)));
                }
            }
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (vtepB.counters().node().drops(DropReason.UNKNOWN_PEER) < before + 5 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(vtepB.counters().node().drops(DropReason.UNKNOWN_PEER)).isEqualTo(before + 5);
        assertThat(vtepB.counters().network(RED).rxPackets()).isEqualTo(delivered);
    }

    /** A VXLAN datagram for red carrying an ICMP echo from red A to red B, well formed in every way but its source. */
    private static byte[] forgedEcho(Task from, Task to) {
        ByteBuf buf = Unpooled.buffer(8 + 14 + 20 + 8);
        try {
            VxlanView.write(buf, 0, RED);
            EthernetView.write(buf, 8, to.mac(), from.mac(), EthernetView.TYPE_IPV4);
            Ipv4View.write(buf, 22, 28, 1, 64, Ipv4View.PROTOCOL_ICMP, from.ip(), to.ip());
            buf.setByte(42, IcmpView.ECHO_REQUEST);
            buf.setShort(44, 0);
            buf.setShort(46, 0x1234);
            buf.writerIndex(50);
            IcmpView icmp = new IcmpView();
            icmp.wrap(buf, 42, 8);
            icmp.fillChecksum();
            byte[] bytes = new byte[50];
            buf.getBytes(0, bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private static InetAddress ip(int address) throws IOException {
        return InetAddress.getByName(Ipv4Address.toString(address));
    }
}
