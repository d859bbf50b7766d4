package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Views read and write by absolute index only: a caller's reader and writer indices survive them. */
class BufferIndicesTest {

    @ParameterizedTest
    @EnumSource(Placement.class)
    void noViewMovesTheReaderOrWriterIndex(Placement placement) throws Exception {
        EthernetView eth = new EthernetView();
        ArpView arp = new ArpView();
        Ipv4View ip = new Ipv4View();
        IcmpView icmp = new IcmpView();
        UdpView udp = new UdpView();
        TcpView tcp = new TcpView();
        VxlanView vxlan = new VxlanView();
        int at = placement.offset;

        ByteBuf buf = placement.place(Frames.ARP_REQUEST);
        assertThat(eth.wrap(buf, at)).isTrue();
        assertThat(arp.wrap(buf, eth.payloadOffset())).isTrue();
        exerciseKeepingIndices(buf, eth, arp);
        exerciseKeepingIndices(buf, () -> arp.writeReply(buf, at + 2, Frames.TASK_B_MAC));
        exerciseKeepingIndices(buf, () -> EthernetView.write(buf, at, 1L, 2L, 3));
        exerciseKeepingIndices(buf, () -> ArpView.write(buf, at + 14, 1, 2L, 3, 4L, 5));

        ByteBuf ping = placement.place(Frames.ICMP_ECHO);
        assertThat(ip.wrap(ping, at + Frames.IP)).isTrue();
        assertThat(icmp.wrap(ping, ip.payloadOffset(), ip.payloadLength())).isTrue();
        exerciseKeepingIndices(ping, icmp, ip);
        exerciseKeepingIndices(ping, () -> Ipv4View.write(ping, at + Frames.IP, 76, 1, 2, 3, 4, 5));

        ByteBuf syn = placement.place(Frames.TCP_SYN);
        assertThat(tcp.wrap(syn, at + Frames.L4, 40)).isTrue();
        exerciseKeepingIndices(syn, tcp);

        ByteBuf tunnelled = placement.place(Frames.VXLAN_ICMP);
        assertThat(udp.wrap(tunnelled, at + Frames.L4)).isTrue();
        assertThat(vxlan.wrap(tunnelled, udp.payloadOffset(), udp.payloadLength())).isTrue();
        exerciseKeepingIndices(tunnelled, udp, vxlan);
        exerciseKeepingIndices(tunnelled, () -> UdpView.write(tunnelled, at + Frames.L4, 1, 2, 8));
        exerciseKeepingIndices(tunnelled, () -> VxlanView.write(tunnelled, at + Frames.L4 + 8, 1));
        exerciseKeepingIndices(tunnelled, () -> Checksums.sum(tunnelled, at, 99));
    }

    /**
     * Calls every public instance method of each view except wrap and those taking a
     * buffer (called by the caller), in name order, with zero for each argument, and checks
     * the indices after each call.
     */
    private static void exerciseKeepingIndices(ByteBuf buf, Object... views) throws Exception {
        for (Object view : views) {
            Method[] methods = view.getClass().getMethods();
            Arrays.sort(methods, Comparator.comparing(Method::toString));
            for (Method method : methods) {
                if (method.getDeclaringClass() != view.getClass() || Modifier.isStatic(method.getModifiers())
                        || method.getName().equals("wrap")
                        || !Arrays.stream(method.getParameterTypes()).allMatch(Class::isPrimitive)) {
                    continue;
                }
                Object[] args = Arrays.stream(method.getParameterTypes())
                        .map(type -> type == long.class ? (Object) 0L : (Object) 0)
                        .toArray();
                int readerIndex = buf.readerIndex();
                int writerIndex = buf.writerIndex();
                int capacity = buf.capacity();
                method.invoke(view, args);
                assertThat(new int[] {buf.readerIndex(), buf.writerIndex(), buf.capacity()})
                        .as("%s", method)
                        .containsExactly(readerIndex, writerIndex, capacity);
            }
        }
    }

    private interface Write {
        int write();
    }

    private static void exerciseKeepingIndices(ByteBuf buf, Write write) {
        int readerIndex = buf.readerIndex();
        int writerIndex = buf.writerIndex();
        write.write();
        assertThat(buf.readerIndex()).isEqualTo(readerIndex);
        assertThat(buf.writerIndex()).isEqualTo(writerIndex);
    }
}
