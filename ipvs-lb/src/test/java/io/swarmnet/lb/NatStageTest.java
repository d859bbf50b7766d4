package io.swarmnet.lb;

import static io.swarmnet.lb.TestFrames.ETH;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.swarmnet.lb.conntrack.ConntrackTable;
import io.swarmnet.lb.scheduler.SchedulerType;
import io.swarmnet.lb.table.BackendState;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.packet.Checksums;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.TcpView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The NAT stage without I/O: frames in, frames out, compared byte for byte with frames built
 * with full checksums (RFC 1624's incremental update must equal a recomputation), and each
 * drop counted under its reason. Time comes from a clock the test moves.
 */
class NatStageTest {
    static final int VNI = 4096;
    static final int VIP = 0x0A00_0002;
    static final long VIP_MAC = 0x02_42_0A_00_00_02L;
    static final int CLIENT = 0x0A00_000A;
    static final long CLIENT_MAC = 0x02_42_0A_00_00_0AL;
    static final int B5 = 0x0A00_0005;
    static final long MAC5 = 0x02_42_0A_00_00_05L;
    static final int B6 = 0x0A00_0006;
    static final long MAC6 = 0x02_42_0A_00_00_06L;
    static final int OUT_AT = 10;

    private long now = 1_000_000_000L;
    private final ByteBuf out = Unpooled.directBuffer(2048);
    private final List<ByteBuf> frames = new ArrayList<>();
    /** Default timeouts; a table small enough that one housekeeping call sweeps all of it. */
    private NatStage stage = new NatStage(LbConfig.builder().conntrackMax(1024).build(), () -> now);
    private long version;

    @AfterEach
    void release() {
        out.release();
        frames.forEach(ByteBuf::release);
    }

    private ByteBuf keep(ByteBuf b) {
        frames.add(b);
        return b;
    }

    private void publish(SchedulerType type, int[] ips, long[] macs, BackendState... states) {
        ServiceTable.Builder b = ServiceTable.builder(++version, stage.table()).service("web", VNI, VIP, VIP_MAC, type);
        for (int i = 0; i < ips.length; i++) {
            b.backend(VNI, VIP, ips[i], macs[i], i + 1, 0, states.length > i ? states[i] : BackendState.ACTIVE, 1);
        }
        stage.publish(b.build());
    }

    private void publishBoth() {
        publish(SchedulerType.RR, new int[] {B5, B6}, new long[] {MAC5, MAC6});
    }

    private ByteBuf clientTcp(int port, int seq, int ack, int flags, int payload) {
        return keep(TestFrames.tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, port, 80, seq, ack, flags, payload));
    }

    private int fromClient(ByteBuf frame) {
        return stage.fromPort(VNI, frame, 0, frame.writerIndex(), false, out, OUT_AT);
    }

    private static String hex(ByteBuf b) {
        return ByteBufUtil.hexDump(b, 0, b.writerIndex());
    }

    @Test
    void rewritesASynToItsBackendByteForByte() {
        publishBoth();
        ByteBuf syn = clientTcp(40000, 1000, 0, TcpView.SYN, 0);
        assertThat(fromClient(syn)).isEqualTo(NatStage.FORWARD);
        ByteBuf expected = keep(TestFrames.tcp(MAC5, CLIENT_MAC, CLIENT, B5, 40000, 80, 1000, 0, TcpView.SYN, 0));
        assertThat(hex(syn)).isEqualTo(hex(expected));
        assertThat(stage.counters().newFlows()).isEqualTo(1);
        assertThat(stage.conntrack().size()).isEqualTo(1);
        assertThat(stage.table().service(VNI, VIP).backend(0).counters().activeFlows()).isEqualTo(1);
    }

    @Test
    void translatesRepliesBackToTheVipByteForByte() {
        publishBoth();
        fromClient(clientTcp(40000, 1000, 0, TcpView.SYN, 0));
        ByteBuf synAck = keep(TestFrames.tcp(CLIENT_MAC, MAC5, B5, CLIENT, 80, 40000, 5000, 1001,
                TcpView.SYN | TcpView.ACK, 0));
        assertThat(stage.toPort(VNI, synAck, 0, synAck.writerIndex(), false)).isTrue();
        ByteBuf expected = keep(TestFrames.tcp(CLIENT_MAC, VIP_MAC, VIP, CLIENT, 80, 40000, 5000, 1001,
                TcpView.SYN | TcpView.ACK, 0));
        assertThat(hex(synAck)).isEqualTo(hex(expected));
        assertThat(stage.counters().replyPackets()).isEqualTo(1);
    }

    @Test
    void leavesFramesThatAreNotForAVipOrAFlowAlone() {
        publishBoth();
        ByteBuf direct = keep(TestFrames.tcp(MAC5, CLIENT_MAC, CLIENT, B5, 40000, 80, 1, 0, TcpView.SYN, 0));
        String before = hex(direct);
        assertThat(fromClient(direct)).isEqualTo(NatStage.PASS);
        assertThat(stage.toPort(VNI, direct, 0, direct.writerIndex(), false)).isFalse();
        assertThat(hex(direct)).isEqualTo(before);
        ByteBuf otherVni = clientTcp(40000, 1, 0, TcpView.SYN, 0);
        assertThat(stage.fromPort(VNI + 1, otherVni, 0, otherVni.writerIndex(), false, out, OUT_AT)).isEqualTo(NatStage.PASS);
    }

    @Test
    void keepsEveryPacketOfAFlowOnItsBackend() {
        publishBoth();
        ByteBuf syn = clientTcp(40000, 1000, 0, TcpView.SYN, 0);
        fromClient(syn);
        for (int i = 0; i < 5; i++) {
            ByteBuf data = clientTcp(40000, 1001 + i * 10, 5001, TcpView.ACK, 10);
            assertThat(fromClient(data)).isEqualTo(NatStage.FORWARD);
            assertThat(data.getInt(ETH + 16)).isEqualTo(B5);
        }
        assertThat(stage.counters().newFlows()).isEqualTo(1);
    }

    @Test
    void roundRobinSpreadsNewFlows() {
        publishBoth();
        Map<Integer, Integer> counts = new HashMap<>();
        for (int port = 40000; port < 40100; port++) {
            ByteBuf syn = clientTcp(port, 1, 0, TcpView.SYN, 0);
            fromClient(syn);
            counts.merge(syn.getInt(ETH + 16), 1, Integer::sum);
        }
        assertThat(counts).containsEntry(B5, 50).containsEntry(B6, 50);
    }

    @Test
    void adjustsPartialTcpChecksumsSoTheNicCompletesThemRight() {
        publishBoth();
        ByteBuf data = clientTcp(40000, 1000, 0, TcpView.SYN, 100);
        TestFrames.makePartial(data, 16);
        assertThat(stage.fromPort(VNI, data, 0, data.writerIndex(), true, out, OUT_AT)).isEqualTo(NatStage.FORWARD);
        ByteBuf expectedPartial = keep(TestFrames.tcp(MAC5, CLIENT_MAC, CLIENT, B5, 40000, 80, 1000, 0, TcpView.SYN, 100));
        TestFrames.makePartial(expectedPartial, 16);
        assertThat(hex(data)).isEqualTo(hex(expectedPartial));
        TestFrames.completePartial(data, 16);
        assertThat(TestFrames.checksumsValid(data, 0)).isTrue();

        ByteBuf reply = keep(TestFrames.tcp(CLIENT_MAC, MAC5, B5, CLIENT, 80, 40000, 7, 1001, TcpView.ACK | TcpView.SYN, 1400));
        TestFrames.makePartial(reply, 16);
        assertThat(stage.toPort(VNI, reply, 0, reply.writerIndex(), true)).isTrue();
        TestFrames.completePartial(reply, 16);
        assertThat(TestFrames.checksumsValid(reply, 0)).isTrue();
        assertThat(reply.getInt(ETH + 12)).isEqualTo(VIP);
    }

    @Test
    void adjustsUdpChecksumsFullPartialAndNone() {
        publishBoth();
        ByteBuf full = keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 5353, 53, 33, true));
        assertThat(fromClient(full)).isEqualTo(NatStage.FORWARD);
        assertThat(hex(full)).isEqualTo(hex(keep(TestFrames.udp(MAC5, CLIENT_MAC, CLIENT, B5, 5353, 53, 33, true))));

        ByteBuf none = keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 5353, 53, 33, false));
        fromClient(none);
        assertThat(none.getUnsignedShort(ETH + 26)).isZero();
        assertThat(TestFrames.checksumsValid(none, 0)).isTrue();

        ByteBuf partial = keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 5353, 53, 33, true));
        TestFrames.makePartial(partial, 6);
        stage.fromPort(VNI, partial, 0, partial.writerIndex(), true, out, OUT_AT);
        TestFrames.completePartial(partial, 6);
        assertThat(TestFrames.checksumsValid(partial, 0)).isTrue();

        ByteBuf reply = keep(TestFrames.udp(CLIENT_MAC, MAC5, B5, CLIENT, 53, 5353, 80, true));
        assertThat(stage.toPort(VNI, reply, 0, reply.writerIndex(), false)).isTrue();
        assertThat(hex(reply)).isEqualTo(hex(keep(TestFrames.udp(CLIENT_MAC, VIP_MAC, VIP, CLIENT, 53, 5353, 80, true))));
    }

    /** {@code whole} cut into fragments of 1480 bytes, as over a 1500-byte MTU; all released after the test. */
    private List<ByteBuf> fragmented(ByteBuf whole) {
        keep(whole);
        List<ByteBuf> fragments = TestFrames.fragments(whole, 1480);
        fragments.forEach(this::keep);
        return fragments;
    }

    @Test
    void aFragmentedDatagramGoesWholeToTheFirstFragmentsBackendAndItsFragmentedReplyComesFromTheVip() {
        publishBoth();
        List<ByteBuf> request = fragmented(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 5353, 53, 3000, true));
        List<ByteBuf> expected = fragmented(TestFrames.udp(MAC5, CLIENT_MAC, CLIENT, B5, 5353, 53, 3000, true));
        assertThat(request).hasSize(3);
        for (int i = 0; i < request.size(); i++) {
            assertThat(fromClient(request.get(i))).as("fragment %d", i).isEqualTo(NatStage.FORWARD);
            // Byte for byte the backend's datagram cut the same way: address, IPv4 and UDP checksums.
            assertThat(hex(request.get(i))).as("fragment %d", i).isEqualTo(hex(expected.get(i)));
        }

        List<ByteBuf> reply = fragmented(TestFrames.udp(CLIENT_MAC, MAC5, B5, CLIENT, 53, 5353, 2000, true));
        List<ByteBuf> fromVip = fragmented(TestFrames.udp(CLIENT_MAC, VIP_MAC, VIP, CLIENT, 53, 5353, 2000, true));
        for (int i = 0; i < reply.size(); i++) {
            assertThat(stage.toPort(VNI, reply.get(i), 0, reply.get(i).writerIndex(), false)).isTrue();
            assertThat(hex(reply.get(i))).isEqualTo(hex(fromVip.get(i)));
        }
        assertThat(stage.counters().drops(LbDropReason.FRAGMENT)).isZero();

        // A datagram from another port is another flow: the next task in turn.
        ByteBuf again = fragmented(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 5354, 53, 3000, true)).get(0);
        assertThat(fromClient(again)).isEqualTo(NatStage.FORWARD);
        assertThat(again.getInt(ETH + 16)).isEqualTo(B6);
    }

    @Test
    void laterFragmentsAfterTheirEntryExpiredAreDroppedAndCounted() {
        publishBoth();
        List<ByteBuf> request = fragmented(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 5353, 53, 3000, true));
        assertThat(fromClient(request.get(0))).isEqualTo(NatStage.FORWARD);
        now += FragmentTable.LIFETIME_NANOS;
        assertThat(fromClient(request.get(1))).isEqualTo(NatStage.DROP);
        assertThat(stage.counters().drops(LbDropReason.FRAGMENT)).isEqualTo(1);
        // A fragmented ping to a VIP: answered only whole, so dropped and counted.
        List<ByteBuf> ping = TestFrames.fragments(keep(TestFrames.echo(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1, 1, 3000)),
                1480);
        ping.forEach(this::keep);
        assertThat(fromClient(ping.get(0))).isEqualTo(NatStage.DROP);
        assertThat(stage.counters().drops(LbDropReason.FRAGMENT)).isEqualTo(2);
    }

    @Test
    void anIcmpErrorAboutAFlowNamesTheVipSoTheClientsSocketGetsIt() {
        publishBoth();
        ByteBuf datagram = keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 5353, 53, 12, true));
        fromClient(datagram);
        // Port unreachable from the backend, quoting the whole datagram it got.
        int quoted = datagram.writerIndex() - ETH;
        ByteBuf error = keep(Unpooled.directBuffer(ETH + 20 + 8 + quoted));
        EthernetView.write(error, 0, CLIENT_MAC, MAC5, EthernetView.TYPE_IPV4);
        Ipv4View.write(error, ETH, 20 + 8 + quoted, 9, 64, Ipv4View.PROTOCOL_ICMP,
                B5, CLIENT);
        error.setByte(ETH + 20, 3);
        error.setByte(ETH + 21, 3);
        error.setShort(ETH + 22, 0);
        error.setInt(ETH + 24, 0);
        error.setBytes(ETH + 28, datagram, ETH, quoted);
        error.writerIndex(ETH + 28 + quoted);
        error.setShort(ETH + 22, Checksums.checksum(error, ETH + 20, 8 + quoted));

        assertThat(stage.toPort(VNI, error, 0, error.writerIndex(), false)).isTrue();
        assertThat(error.getInt(ETH + 12)).isEqualTo(VIP);
        assertThat(error.getInt(ETH + 28 + 16)).as("the quoted destination").isEqualTo(VIP);
        assertThat(TestFrames.checksumsValid(error, 0)).as("outer IPv4 and ICMP checksums").isTrue();
        ByteBuf inner = keep(Unpooled.directBuffer(ETH + quoted));
        inner.writeZero(ETH).writeBytes(error, ETH + 28, quoted);
        assertThat(TestFrames.checksumsValid(inner, 0)).as("quoted IPv4 and UDP checksums").isTrue();
    }

    @Test
    void answersAnEchoRequestToTheVip() {
        publish(SchedulerType.RR, new int[0], new long[0]);
        ByteBuf ping = keep(TestFrames.echo(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 77, 3, 56));
        int length = fromClient(ping);
        assertThat(length).isEqualTo(ping.writerIndex());
        ByteBuf reply = out.slice(OUT_AT, length);
        assertThat(reply.getLong(0) >>> 16).isEqualTo(CLIENT_MAC);
        assertThat(reply.getInt(ETH + 12)).isEqualTo(VIP);
        assertThat(reply.getInt(ETH + 16)).isEqualTo(CLIENT);
        assertThat((int) reply.getUnsignedByte(ETH + 20)).isZero();
        assertThat(reply.getUnsignedShort(ETH + 24)).isEqualTo(77);
        ByteBuf copy = keep(Unpooled.directBuffer(length).writeBytes(reply));
        assertThat(TestFrames.checksumsValid(copy, 0)).isTrue();
        assertThat(stage.counters().echoReplies()).isEqualTo(1);
    }

    @Test
    void countsMalformedAndUnsupportedFramesToAVipAsDrops() {
        publishBoth();
        ByteBuf badOffset = clientTcp(40000, 1, 0, TcpView.SYN, 0);
        badOffset.setByte(ETH + 20 + 12, 4 << 4);
        assertThat(fromClient(badOffset)).isEqualTo(NatStage.DROP);
        ByteBuf longOffset = clientTcp(40000, 1, 0, TcpView.SYN, 0);
        longOffset.setByte(ETH + 20 + 12, 15 << 4);
        assertThat(fromClient(longOffset)).isEqualTo(NatStage.DROP);
        ByteBuf badUdpLength = keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1, 53, 10, true));
        badUdpLength.setShort(ETH + 24, 200);
        assertThat(fromClient(badUdpLength)).isEqualTo(NatStage.DROP);
        ByteBuf shortUdpLength = keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1, 53, 10, true));
        shortUdpLength.setShort(ETH + 24, 7);
        assertThat(fromClient(shortUdpLength)).isEqualTo(NatStage.DROP);
        assertThat(stage.counters().drops(LbDropReason.MALFORMED)).isEqualTo(4);

        // A later fragment whose first one never came has no ports to be balanced by.
        ByteBuf orphan = clientTcp(40000, 1, 0, TcpView.SYN, 0);
        orphan.setShort(ETH + 6, 0x2000 | 6);
        assertThat(fromClient(orphan)).isEqualTo(NatStage.DROP);
        assertThat(stage.counters().drops(LbDropReason.FRAGMENT)).isEqualTo(1);
        ByteBuf gre = clientTcp(40000, 1, 0, TcpView.SYN, 0);
        gre.setByte(ETH + 9, 47);
        assertThat(fromClient(gre)).isEqualTo(NatStage.DROP);
        ByteBuf badPing = keep(TestFrames.echo(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1, 1, 8));
        badPing.setByte(ETH + 30, 0x55);
        assertThat(fromClient(badPing)).isEqualTo(NatStage.DROP);
        assertThat(stage.counters().drops(LbDropReason.UNSUPPORTED)).isEqualTo(1);
        assertThat(stage.counters().drops(LbDropReason.BAD_CHECKSUM)).isEqualTo(1);
        ByteBuf strayRst = clientTcp(40001, 1, 0, TcpView.RST, 0);
        assertThat(fromClient(strayRst)).isEqualTo(NatStage.DROP);
        assertThat(stage.counters().drops(LbDropReason.NO_FLOW)).isEqualTo(1);
        assertThat(stage.conntrack().size()).isZero();
    }

    @Test
    void embryonicAndUdpFlowsExpireOnTime() {
        publishBoth();
        fromClient(clientTcp(40000, 1, 0, TcpView.SYN, 0));
        fromClient(keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 5353, 53, 1, true)));
        now += Duration.ofSeconds(59).toNanos();
        stage.housekeep((vni, mac, length) -> true, out, OUT_AT);
        assertThat(stage.conntrack().size()).isEqualTo(2);
        now += Duration.ofSeconds(2).toNanos();
        stage.housekeep((vni, mac, length) -> true, out, OUT_AT);
        assertThat(stage.conntrack().size()).isEqualTo(1);
        now += Duration.ofSeconds(240).toNanos();
        stage.housekeep((vni, mac, length) -> true, out, OUT_AT);
        assertThat(stage.conntrack().size()).isZero();
        assertThat(stage.table().service(VNI, VIP).backend(0).counters().activeFlows()).isZero();
    }

    private void establish(int port) {
        fromClient(clientTcp(port, 1000, 0, TcpView.SYN, 0));
        ByteBuf synAck = keep(TestFrames.tcp(CLIENT_MAC, MAC5, B5, CLIENT, 80, port, 5000, 1001,
                TcpView.SYN | TcpView.ACK, 0));
        stage.toPort(VNI, synAck, 0, synAck.writerIndex(), false);
        fromClient(clientTcp(port, 1001, 5001, TcpView.ACK, 0));
    }

    @Test
    void anIdleEstablishedFlowLastsTwoHoursByDefault() {
        publish(SchedulerType.RR, new int[] {B5}, new long[] {MAC5});
        establish(40000);
        int slot = stage.conntrack().find(ConntrackTable.forwardA(CLIENT, VIP),
                ConntrackTable.forwardB(VNI, 6, 40000, 80), now);
        assertThat(stage.conntrack().state(slot)).isEqualTo(ConntrackTable.TCP_ESTABLISHED);
        now += Duration.ofMinutes(119).toNanos();
        stage.housekeep((vni, mac, length) -> true, out, OUT_AT);
        assertThat(stage.conntrack().size()).isEqualTo(1);
        ByteBuf data = clientTcp(40000, 1001, 5001, TcpView.ACK, 5);
        assertThat(fromClient(data)).isEqualTo(NatStage.FORWARD);
        now += Duration.ofMinutes(121).toNanos();
        stage.housekeep((vni, mac, length) -> true, out, OUT_AT);
        assertThat(stage.conntrack().size()).isZero();
    }

    @Test
    void theEstablishedTimeoutIsConfigurable() {
        stage = new NatStage(LbConfig.builder().tcpEstablishedTimeout(Duration.ofSeconds(30)).build(), () -> now);
        publish(SchedulerType.RR, new int[] {B5}, new long[] {MAC5});
        establish(40000);
        now += Duration.ofSeconds(31).toNanos();
        stage.housekeep((vni, mac, length) -> true, out, OUT_AT);
        assertThat(stage.conntrack().size()).isZero();
    }

    @Test
    void closedFlowsLeaveSoonAndTheirPortCanBeReused() {
        publish(SchedulerType.RR, new int[] {B5, B6}, new long[] {MAC5, MAC6});
        establish(40000);
        fromClient(clientTcp(40000, 1001, 5001, TcpView.FIN | TcpView.ACK, 0));
        ByteBuf fin = keep(TestFrames.tcp(CLIENT_MAC, MAC5, B5, CLIENT, 80, 40000, 5001, 1002, TcpView.FIN | TcpView.ACK, 0));
        stage.toPort(VNI, fin, 0, fin.writerIndex(), false);
        int slot = stage.conntrack().find(ConntrackTable.forwardA(CLIENT, VIP), ConntrackTable.forwardB(VNI, 6, 40000, 80), now);
        assertThat(stage.conntrack().state(slot)).isEqualTo(ConntrackTable.TCP_CLOSE);
        // A new SYN on the same port is a new connection, balanced anew.
        ByteBuf syn = clientTcp(40000, 90000, 0, TcpView.SYN, 0);
        assertThat(fromClient(syn)).isEqualTo(NatStage.FORWARD);
        assertThat(stage.counters().newFlows()).isEqualTo(2);
        assertThat(syn.getInt(ETH + 16)).isEqualTo(B6);
        now += Duration.ofSeconds(11).toNanos();
        stage.housekeep((vni, mac, length) -> true, out, OUT_AT);
        assertThat(stage.conntrack().size()).isEqualTo(1);
    }

    @Test
    void aDrainingBackendKeepsItsFlowsAndGetsNoNewOnes() {
        publishBoth();
        ByteBuf first = clientTcp(40000, 1, 0, TcpView.SYN, 0);
        fromClient(first);
        assertThat(first.getInt(ETH + 16)).isEqualTo(B5);
        publish(SchedulerType.RR, new int[] {B5, B6}, new long[] {MAC5, MAC6}, BackendState.DRAINING, BackendState.ACTIVE);
        for (int port = 40001; port < 40011; port++) {
            ByteBuf syn = clientTcp(port, 1, 0, TcpView.SYN, 0);
            fromClient(syn);
            assertThat(syn.getInt(ETH + 16)).isEqualTo(B6);
        }
        ByteBuf more = clientTcp(40000, 2, 1, TcpView.ACK, 3);
        assertThat(fromClient(more)).isEqualTo(NatStage.FORWARD);
        assertThat(more.getInt(ETH + 16)).isEqualTo(B5);
    }

    @Test
    void aRemovedBackendsTcpClientGetsARstAtItsNextPacket() {
        publishBoth();
        establish(40000);
        publish(SchedulerType.RR, new int[] {B6}, new long[] {MAC6});
        ByteBuf data = clientTcp(40000, 1001, 5001, TcpView.ACK | TcpView.PSH, 20);
        int length = fromClient(data);
        assertThat(length).isEqualTo(54);
        ByteBuf rst = keep(Unpooled.directBuffer(length).writeBytes(out, OUT_AT, length));
        assertThat(rst.getInt(ETH + 20 + 4)).isEqualTo(5001);
        assertThat((int) rst.getUnsignedByte(ETH + 20 + 13)).isEqualTo(TcpView.RST);
        assertThat(rst.getInt(ETH + 12)).isEqualTo(VIP);
        assertThat(TestFrames.checksumsValid(rst, 0)).isTrue();
        assertThat(stage.counters().resets()).isEqualTo(1);
        assertThat(stage.conntrack().size()).isZero();
    }

    @Test
    void housekeepingResetsTheClientsOfARemovedBackendPromptly() {
        publishBoth();
        establish(40000);
        ByteBuf data = keep(TestFrames.tcp(CLIENT_MAC, MAC5, B5, CLIENT, 80, 40000, 5001, 1001, TcpView.ACK, 100));
        stage.toPort(VNI, data, 0, data.writerIndex(), false);
        publish(SchedulerType.RR, new int[] {B6}, new long[] {MAC6});
        List<String> sent = new ArrayList<>();
        stage.housekeep((vni, mac, length) -> {
            assertThat(vni).isEqualTo(VNI);
            assertThat(mac).isEqualTo(CLIENT_MAC);
            ByteBuf rst = keep(Unpooled.directBuffer(length).writeBytes(out, OUT_AT, length));
            assertThat(TestFrames.checksumsValid(rst, 0)).isTrue();
            // The client accepts a RST whose sequence number is the next it expects.
            assertThat(rst.getInt(ETH + 20 + 4)).isEqualTo(5101);
            sent.add(hex(rst));
            return true;
        }, out, OUT_AT);
        assertThat(sent).hasSize(1);
        assertThat(stage.conntrack().size()).isZero();
        assertThat(stage.counters().resets()).isEqualTo(1);
    }

    @Test
    void aUdpFlowToARemovedBackendMovesOn() {
        publishBoth();
        ByteBuf first = keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 5353, 53, 4, true));
        fromClient(first);
        assertThat(first.getInt(ETH + 16)).isEqualTo(B5);
        publish(SchedulerType.RR, new int[] {B6}, new long[] {MAC6});
        ByteBuf next = keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 5353, 53, 4, true));
        assertThat(fromClient(next)).isEqualTo(NatStage.FORWARD);
        assertThat(next.getInt(ETH + 16)).isEqualTo(B6);
        assertThat(stage.counters().repicks()).isEqualTo(1);
        ByteBuf reply = keep(TestFrames.udp(CLIENT_MAC, MAC6, B6, CLIENT, 53, 5353, 4, true));
        assertThat(stage.toPort(VNI, reply, 0, reply.writerIndex(), false)).isTrue();
    }

    @Test
    void aServiceWithoutBackendsRefusesTcpAndDropsUdp() {
        publish(SchedulerType.RR, new int[0], new long[0]);
        int length = fromClient(clientTcp(40000, 1000, 0, TcpView.SYN, 0));
        assertThat(length).isEqualTo(54);
        ByteBuf rst = keep(Unpooled.directBuffer(length).writeBytes(out, OUT_AT, length));
        assertThat((int) rst.getUnsignedByte(ETH + 20 + 13)).isEqualTo(TcpView.RST | TcpView.ACK);
        assertThat(rst.getInt(ETH + 20 + 8)).isEqualTo(1001);
        assertThat(TestFrames.checksumsValid(rst, 0)).isTrue();
        assertThat(fromClient(keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1, 53, 4, true)))).isEqualTo(NatStage.DROP);
        assertThat(stage.counters().drops(LbDropReason.NO_BACKEND)).isEqualTo(1);
    }

    @Test
    void aFullTableDropsNewFlowsAndKeepsTheOldOnes() {
        stage = new NatStage(LbConfig.builder().conntrackMax(16).embryonicMax(16).build(), () -> now);
        publish(SchedulerType.RR, new int[] {B5}, new long[] {MAC5});
        for (int port = 1; port <= 16; port++) {
            fromClient(keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, port, 53, 1, true)));
        }
        assertThat(fromClient(keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 17, 53, 1, true)))).isEqualTo(NatStage.DROP);
        assertThat(stage.counters().drops(LbDropReason.TABLE_FULL)).isEqualTo(1);
        assertThat(fromClient(keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 3, 53, 1, true)))).isEqualTo(NatStage.FORWARD);
        // Once flows have expired, a new flow takes the place of one at once, sweep or not.
        now += Duration.ofSeconds(301).toNanos();
        assertThat(fromClient(keep(TestFrames.udp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 17, 53, 1, true)))).isEqualTo(NatStage.FORWARD);
    }

    @Test
    void aSynFloodCannotTakeTheSlotsOfEstablishedFlows() {
        stage = new NatStage(LbConfig.builder().conntrackMax(64).embryonicMax(8).build(), () -> now);
        publish(SchedulerType.RR, new int[] {B5}, new long[] {MAC5});
        for (int port = 1; port <= 50; port++) {
            establish(port);
        }
        for (int port = 1000; port < 6000; port++) {
            fromClient(clientTcp(port, 1, 0, TcpView.SYN, 0));
            frames.remove(frames.size() - 1).release();
        }
        assertThat(stage.conntrack().embryonic()).isEqualTo(8);
        assertThat(stage.conntrack().evictions()).isEqualTo(5000 - 8);
        for (int port = 1; port <= 50; port++) {
            ByteBuf data = clientTcp(port, 1001, 5001, TcpView.ACK, 1);
            assertThat(fromClient(data)).isEqualTo(NatStage.FORWARD);
        }
        assertThat(stage.counters().drops(LbDropReason.TABLE_FULL)).isZero();
    }

    @Test
    void aClientOfItsOwnServiceIsSentToAnotherBackend() {
        publish(SchedulerType.RR, new int[] {CLIENT, B5}, new long[] {CLIENT_MAC, MAC5});
        for (int port = 1; port <= 6; port++) {
            ByteBuf syn = clientTcp(port, 1, 0, TcpView.SYN, 0);
            fromClient(syn);
            assertThat(syn.getInt(ETH + 16)).isEqualTo(B5);
        }
    }
}
