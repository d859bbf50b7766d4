package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.sys.testing.TestNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel steering by CPU, seen from threads pinned to each CPU in turn: a multi-queue
 * TAP puts what CPU n sends into queue n, a SO_REUSEPORT group gives what CPU n receives
 * to socket n. Both need two CPUs, which CI has.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpuSteeringTest {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SO_REUSEPORT = 15;
    private static final int LOOPBACK = 0x7f000001;
    private static final int TAP_IP = 0x0a4e0001;
    private static final String PEER = "10.78.0.2";
    private static final int SENDS = 5;

    private TestNamespace ns;
    private final List<Integer> fds = new ArrayList<>();
    private final ByteBuf in = Unpooled.directBuffer(2048);

    @BeforeEach
    void create() throws IOException {
        CpuSet mine = Resource.threadAffinity();
        assumeTrue(mine.contains(0) && mine.contains(1), "needs CPUs 0 and 1, has " + mine);
        ns = TestNamespace.create("sys");
        ns.ip("link", "set", "lo", "up");
        ns.disableIpv6();
    }

    @AfterEach
    void remove() throws IOException {
        in.release();
        for (int fd : fds) {
            Syscall.close(fd);
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void aMultiQueueTapPutsWhatEachCpuSendsIntoThatCpusQueue() throws IOException {
        TapDevice[] q = multiQueueTap("mq0", CpuSteering.queueByCpu());
        TapDevice q0 = q[0];
        TapDevice q1 = q[1];
        try {
            assertEachCpusFramesInItsQueue(q0, q1);

            q0.setSteeringProgram(null);
        } finally {
            q0.close();
            q1.close();
        }
    }

    @Test
    void aReusePortGroupGivesWhatEachCpuReceivesToThatCpusSocket() throws IOException {
        int port = 4789;
        int first = ns.netns().call(() -> udpSocket(port, true));
        int second = ns.netns().call(() -> udpSocket(port, true));
        CpuSteering.attachReusePortByCpu(first);

        for (int cpu = 0; cpu < 2; cpu++) {
            sendFrom(cpu, new InetSocketAddress("127.0.0.1", port));
        }

        assertThat(datagrams(first)).containsOnly("from cpu 0").hasSize(SENDS);
        assertThat(datagrams(second)).containsOnly("from cpu 1").hasSize(SENDS);
    }

    /**
     * With a bulk threshold: small frames still go by CPU, and a flow's long frames go to
     * one queue whichever CPU sends them (its hash picks it), so they stay in order.
     */
    @Test
    void aMultiQueueTapKeepsABulkFlowInOneQueueFromEveryCpu() throws IOException {
        TapDevice[] q = multiQueueTap("mq1", CpuSteering.queueByCpu(512));
        TapDevice q0 = q[0];
        TapDevice q1 = q[1];
        try {
            sendOneFlowFromEachCpu(new InetSocketAddress(PEER, 9100), new byte[1000]);
            List<Integer> bulk0 = udpPorts(q0);
            List<Integer> bulk1 = udpPorts(q1);
            assertThat(bulk0.size() + bulk1.size()).isEqualTo(2 * SENDS);
            assertThat(bulk0.isEmpty() || bulk1.isEmpty()).as("one queue for the flow: %s / %s", bulk0, bulk1).isTrue();
            assertEachCpusFramesInItsQueue(q0, q1);
        } finally {
            q0.close();
            q1.close();
        }
    }

    @Test
    void aReusePortGroupKeepsABulkFlowOnOneSocketFromEveryCpu() throws IOException {
        int port = 4791;
        int first = ns.netns().call(() -> udpSocket(port, true));
        int second = ns.netns().call(() -> udpSocket(port, true));
        CpuSteering.attachReusePortByCpu(first, 2, 512);
        sendOneFlowFromEachCpu(new InetSocketAddress("127.0.0.1", port), new byte[1000]);
        int onFirst = datagrams(first).size();
        int onSecond = datagrams(second).size();
        assertThat(onFirst + onSecond).isEqualTo(2 * SENDS);
        assertThat(onFirst == 0 || onSecond == 0).as("one socket for the flow: %d / %d", onFirst, onSecond).isTrue();
        assertEachCpusDatagramsOnItsSocket(port, first, second);
        assertThatThrownBy(() -> CpuSteering.attachReusePortByCpu(first, 0, 512))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A datagram of 3,052 bytes leaves a 1500-byte TAP in three fragments, the last of 134
     * bytes: under the bulk threshold, yet it must stay in the queue of the first, which a
     * load balancer needs to see first. Sent from CPU 0 and then CPU 1 by one socket, every
     * fragment is in one queue; small unfragmented frames still go by CPU.
     */
    @Test
    void aMultiQueueTapKeepsEveryFragmentOfADatagramInOneQueue() throws IOException {
        TapDevice[] q = multiQueueTap("mq3", CpuSteering.queueByCpu(512));
        TapDevice q0 = q[0];
        TapDevice q1 = q[1];
        try {
            sendOneFlowFromEachCpu(new InetSocketAddress(PEER, 9200), new byte[3052]);
            int[] small0 = new int[1];
            int[] small1 = new int[1];
            int fragments0 = fragments(q0, small0);
            int fragments1 = fragments(q1, small1);
            assertThat(fragments0 + fragments1).isEqualTo(2 * SENDS * 3);
            assertThat(small0[0] + small1[0]).as("last fragments").isEqualTo(2 * SENDS);
            assertThat(fragments0 == 0 || fragments1 == 0).as("one queue: %d / %d", fragments0, fragments1).isTrue();
            assertEachCpusFramesInItsQueue(q0, q1);
        } finally {
            q0.close();
            q1.close();
        }
    }

    /**
     * Small VXLAN datagrams whose inner frame is an IPv4 fragment go by the kernel's hash
     * (one socket, from either CPU); small ones that are not still go by CPU.
     */
    @Test
    void aReusePortGroupKeepsEveryFragmentOfADatagramOnOneSocket() throws IOException {
        int port = 4794;
        int first = ns.netns().call(() -> udpSocket(port, true));
        int second = ns.netns().call(() -> udpSocket(port, true));
        CpuSteering.attachReusePortByCpu(first, 2, 512);
        byte[] fragment = new byte[8 + 14 + 20 + 8];
        fragment[8 + 12] = 0x08;
        fragment[8 + 14] = 0x45;
        fragment[8 + 14 + 6] = 0x00;
        fragment[8 + 14 + 7] = (byte) 0xb9;   // offset 185 × 8: a last fragment
        sendOneFlowFromEachCpu(new InetSocketAddress("127.0.0.1", port), fragment);
        int onFirst = datagrams(first).size();
        int onSecond = datagrams(second).size();
        assertThat(onFirst + onSecond).isEqualTo(2 * SENDS);
        assertThat(onFirst == 0 || onSecond == 0).as("one socket: %d / %d", onFirst, onSecond).isTrue();
        assertEachCpusDatagramsOnItsSocket(port, first, second);
    }

    /** What a VTEP does when traffic gets heavy and light again: every CPU's frames into queue 0, then by CPU. */
    @Test
    void aMultiQueueTapSwitchedToQueueZeroAndBackPutsFramesThere() throws IOException {
        TapDevice[] q = multiQueueTap("mq2", CpuSteering.queueByCpu(512));
        TapDevice q0 = q[0];
        TapDevice q1 = q[1];
        try (CpuSteering.BpfProgram toZero = CpuSteering.queueFixed(0);
                CpuSteering.BpfProgram byCpu = CpuSteering.queueByCpu(512)) {
            q0.setSteeringProgram(toZero);
            for (int cpu = 0; cpu < 2; cpu++) {
                sendFrom(cpu, new InetSocketAddress(PEER, 9000 + cpu));
            }
            assertThat(udpPorts(q0)).containsOnly(9000, 9001).hasSize(2 * SENDS);
            assertThat(udpPorts(q1)).isEmpty();

            q1.setSteeringProgram(byCpu);
            assertEachCpusFramesInItsQueue(q0, q1);
        } finally {
            q0.close();
            q1.close();
        }
        assertThatThrownBy(() -> CpuSteering.queueFixed(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReusePortGroupSwitchedToTheFirstSocketAndBackGivesItEverything() throws IOException {
        int port = 4792;
        int first = ns.netns().call(() -> udpSocket(port, true));
        int second = ns.netns().call(() -> udpSocket(port, true));
        CpuSteering.attachReusePortByCpu(first, 2, 512);
        CpuSteering.attachReusePortFixed(second, 0);
        for (int cpu = 0; cpu < 2; cpu++) {
            sendFrom(cpu, new InetSocketAddress("127.0.0.1", port));
        }
        assertThat(datagrams(first)).containsOnly("from cpu 0", "from cpu 1").hasSize(2 * SENDS);
        assertThat(datagrams(second)).isEmpty();

        CpuSteering.attachReusePortByCpu(first, 2, 512);
        assertEachCpusDatagramsOnItsSocket(port, first, second);
        assertThatThrownBy(() -> CpuSteering.attachReusePortFixed(first, -1)).isInstanceOf(IllegalArgumentException.class);
        int alone = ns.netns().call(() -> udpSocket(4793, false));
        assertThatThrownBy(() -> CpuSteering.attachReusePortFixed(alone, 0))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void aSocketOutsideAReusePortGroupOrNoSocketIsRefusedWithTheErrno() throws IOException {
        int alone = ns.netns().call(() -> udpSocket(4790, false));
        assertThatThrownBy(() -> CpuSteering.attachReusePortByCpu(alone))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                .hasMessageContaining("SO_ATTACH_REUSEPORT_CBPF");
        assertThatThrownBy(() -> CpuSteering.attachReusePortByCpu(-1))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    }

    /**
     * A TAP of two queues in the namespace, steered by {@code program} (closed here: the
     * device holds a reference of its own), up with 10.78.0.1/24 and a permanent neighbour
     * {@value #PEER}, so datagrams to it leave at once.
     */
    private TapDevice[] multiQueueTap(String name, CpuSteering.BpfProgram program) throws IOException {
        TapDevice q0 = ns.netns().call(() -> IfTun.openTap(name, IfTun.IFF_MULTI_QUEUE, true));
        TapDevice q1 = ns.netns().call(() -> IfTun.openTap(name, IfTun.IFF_MULTI_QUEUE, true));
        try (program) {
            q1.setSteeringProgram(program);
        }
        try (Rtnetlink rtnl = Rtnetlink.open(ns.netns())) {
            rtnl.addAddress(name, TAP_IP, 24);
            rtnl.setLinkUp(name);
        }
        ns.ip("neigh", "add", PEER, "lladdr", "02:00:00:78:00:02", "dev", name, "nud", "permanent");
        return new TapDevice[] {q0, q1};
    }

    /** Sends small datagrams from CPU 0 and then CPU 1: each CPU's are in its own queue. */
    private void assertEachCpusFramesInItsQueue(TapDevice q0, TapDevice q1) throws IOException {
        for (int cpu = 0; cpu < 2; cpu++) {
            sendFrom(cpu, new InetSocketAddress(PEER, 9000 + cpu));
        }
        assertThat(udpPorts(q0)).containsOnly(9000).hasSize(SENDS);
        assertThat(udpPorts(q1)).containsOnly(9001).hasSize(SENDS);
    }

    /** Sends {@value #SENDS} copies of {@code payload} from CPU 0 and then CPU 1 by one connected socket: one flow, one hash. */
    private void sendOneFlowFromEachCpu(InetSocketAddress to, byte[] payload) throws IOException {
        ns.netns().call(() -> {
            try (DatagramChannel channel = DatagramChannel.open()) {
                channel.connect(to);
                for (int cpu = 0; cpu < 2; cpu++) {
                    Resource.setThreadAffinity(CpuSet.of(cpu));
                    for (int i = 0; i < SENDS; i++) {
                        channel.write(ByteBuffer.wrap(payload));
                    }
                }
            }
            return null;
        });
    }

    /** Sends small datagrams to 127.0.0.1:{@code port} from CPU 0 and then CPU 1: each CPU's are on its own socket. */
    private void assertEachCpusDatagramsOnItsSocket(int port, int first, int second) throws IOException {
        for (int cpu = 0; cpu < 2; cpu++) {
            sendFrom(cpu, new InetSocketAddress("127.0.0.1", port));
        }
        assertThat(datagrams(first)).containsOnly("from cpu 0").hasSize(SENDS);
        assertThat(datagrams(second)).containsOnly("from cpu 1").hasSize(SENDS);
    }

    /** Sends {@value #SENDS} datagrams "from cpu N" to {@code to}, from a thread in the namespace pinned to CPU {@code cpu}. */
    private void sendFrom(int cpu, InetSocketAddress to) throws IOException {
        ns.netns().call(() -> {
            Resource.setThreadAffinity(CpuSet.of(cpu));
            try (DatagramChannel channel = DatagramChannel.open()) {
                for (int i = 0; i < SENDS; i++) {
                    channel.send(ByteBuffer.wrap(("from cpu " + cpu).getBytes(StandardCharsets.US_ASCII)), to);
                }
            }
            return null;
        });
    }

    /** A non-blocking UDP socket bound to 127.0.0.1:{@code port}, with SO_REUSEPORT if {@code reusePort}. */
    private int udpSocket(int port, boolean reusePort) throws IOException {
        int fd = Syscall.socket(AF_INET, SOCK_DGRAM | Syscall.O_NONBLOCK | Syscall.O_CLOEXEC, 0);
        assertThat(fd).isNotNegative();
        fds.add(fd);
        ByteBuf scratch = Buffers.scratch(16);
        try {
            if (reusePort) {
                Buffers.setHostInt(scratch, 0, 1);
                assertThat(Syscall.setsockopt(fd, CpuSteering.SOL_SOCKET, SO_REUSEPORT, Buffers.address(scratch, 0), 4))
                        .isZero();
                scratch.setZero(0, 16);
            }
            Buffers.setHostShort(scratch, 0, AF_INET);
            scratch.setShort(2, port);
            scratch.setInt(4, LOOPBACK);
            assertThat(Syscall.bind(fd, Buffers.address(scratch, 0), 16)).isZero();
        } finally {
            scratch.release();
        }
        return fd;
    }

    /** The payloads waiting on socket {@code fd}. */
    private List<String> datagrams(int fd) {
        List<String> got = new ArrayList<>();
        int n;
        while ((n = Syscall.read(fd, Buffers.address(in, 0), in.capacity())) > 0) {
            got.add(in.toString(0, n, StandardCharsets.US_ASCII));
        }
        assertThat(n).isEqualTo(-Errno.EAGAIN);
        return got;
    }

    /**
     * Reads TAP queue {@code queue} and returns how many IPv4 fragments it held; counts in
     * {@code small[0]} those of 512 bytes or less.
     */
    private int fragments(TapDevice queue, int[] small) throws IOException {
        int count = 0;
        while (true) {
            in.clear();
            int n = queue.read(in);
            if (n == 0) {
                return count;
            }
            if (in.getUnsignedShort(12) == 0x0800 && (in.getUnsignedShort(14 + 6) & 0x3FFF) != 0) {
                count++;
                if (n <= 512) {
                    small[0]++;
                }
            }
        }
    }

    /** The UDP destination ports of the IPv4 frames waiting in TAP queue {@code queue}. */
    private List<Integer> udpPorts(TapDevice queue) throws IOException {
        List<Integer> ports = new ArrayList<>();
        while (true) {
            in.clear();
            if (queue.read(in) == 0) {
                return ports;
            }
            if (in.getUnsignedShort(12) == 0x0800 && in.getByte(23) == 17) {
                ports.add(in.getUnsignedShort(14 + 20 + 2));
            }
        }
    }
}
