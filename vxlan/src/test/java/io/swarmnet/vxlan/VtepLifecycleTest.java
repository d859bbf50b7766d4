package io.swarmnet.vxlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.sys.CpuSet;
import io.swarmnet.sys.Resource;
import io.swarmnet.sys.TapDevice;
import io.swarmnet.sys.testing.TestNamespace;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.port.TapPort;
import io.swarmnet.vxlan.vtep.Vtep;
import io.swarmnet.vxlan.vtep.VtepConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Create, bind, attach, publish, detach, close: what each step accepts and refuses. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VtepLifecycleTest {
    static final int ADDRESS = Ipv4Address.parse("192.0.2.31");

    @Test
    void walksThroughItsLifecycleAndRefusesWhatIsOutOfOrder() throws IOException {
        try (TestNamespace host = TestNamespace.create("vxlc")) {
            host.ip("link", "add", "d0", "type", "veth", "peer", "name", "d1");
            host.ip("addr", "add", Ipv4Address.toString(ADDRESS) + "/24", "dev", "d0");
            host.ip("link", "set", "d0", "up");
            Vtep vtep = Vtep.create(VtepConfig.builder(ADDRESS).dataPathPort(4790).build());
            try {
                TapDevice early = host.netns().call(() -> TapPort.openTap("vxearly", true));
                assertThatThrownBy(() -> vtep.attach(early, 1)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("not bound");
                early.close();

                host.netns().call(() -> {
                    vtep.bind();
                    return null;
                });
                assertThat(vtep.localAddress().getPort()).isEqualTo(4790);
                assertThatThrownBy(vtep::bind).isInstanceOf(IllegalStateException.class);

                TapPort first = vtep.attach(host.netns().call(() -> TapPort.openTap("vxa", true)), 4096);
                TapPort second = vtep.attach(host.netns().call(() -> TapPort.openTap("vxb", true)), 4096);
                assertThat(second.id()).isGreaterThan(first.id());
                assertThat(host.ip("link", "show")).contains("vxa", "vxb");
                // More queues than event loops: refused, and the queues closed (the TAP is gone).
                java.util.List<TapDevice> two = host.netns().call(() -> TapPort.openTapQueues("vxc", true, 2));
                assertThatThrownBy(() -> vtep.attachQueues(two, 4096)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("one per event loop, not 2");
                assertThat(host.ip("link", "show")).doesNotContain("vxc");

                assertThat(vtep.publish(OverlayTables.builder(5).network(4096, 1450).build())).isTrue();
                assertThat(vtep.publish(OverlayTables.builder(4).build())).as("an older version").isFalse();
                assertThat(vtep.tables().version()).isEqualTo(5);
                assertThat(vtep.counters().network(4096)).isNotNull();

                vtep.detach(first);
                vtep.detach(first);
                assertThat(host.ip("link", "show")).doesNotContain("vxa").contains("vxb");
            } finally {
                vtep.close();
                vtep.close();
            }
            assertThat(host.ip("link", "show")).as("close detaches the rest").doesNotContain("vxb");
            assertThatThrownBy(() -> vtep.attach(null, 1)).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void survivesATaskNamespaceRemovedUnderAnAttachedPort() throws IOException, InterruptedException {
        try (TestNamespace host = TestNamespace.create("vxlc")) {
            host.ip("link", "add", "d0", "type", "veth", "peer", "name", "d1");
            host.ip("addr", "add", Ipv4Address.toString(ADDRESS) + "/24", "dev", "d0");
            host.ip("link", "set", "d0", "up");
            Vtep vtep = Vtep.create(VtepConfig.builder(ADDRESS).build());
            try {
                host.netns().call(() -> {
                    vtep.bind();
                    return null;
                });
                int others = tunDescriptors();
                TapPort port;
                try (TestNamespace task = TestNamespace.create("vxlt")) {
                    port = vtep.attach(host.netns().call(() -> TapPort.openTap("vxgone", true)), 4096);
                    host.ip("link", "set", "vxgone", "netns", task.name());
                    task.ip("link", "set", "vxgone", "up");
                }
                // The kernel unregistered the TAP with its namespace; the port must notice,
                // close its descriptor by itself, and leave the loop serving the others.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (tunDescriptors() > others && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(tunDescriptors()).as("the dead port closed its TAP without a detach").isEqualTo(others);
                vtep.detach(port);

                TapPort next = vtep.attach(host.netns().call(() -> TapPort.openTap("vxnext", true)), 4096);
                assertThat(tunDescriptors()).as("a new port opens").isEqualTo(others + 1);
                assertThat(vtep.onEventLoop(() -> "served")).as("the loop still runs tasks").isEqualTo("served");
                vtep.detach(next);
                assertThat(tunDescriptors()).as("detach closes it").isEqualTo(others);
            } finally {
                vtep.close();
            }
        }
    }

    @Test
    void refusesBadConfiguration() {
        assertThatThrownBy(() -> VtepConfig.builder(Ipv4Address.parse("127.0.0.1"))).hasMessageContaining("unicast");
        assertThatThrownBy(() -> VtepConfig.builder(ADDRESS).dataPathPort(80)).hasMessageContaining("1024");
        assertThatThrownBy(() -> VtepConfig.builder(ADDRESS).sourcePorts(0)).hasMessageContaining("1..64");
        assertThatThrownBy(() -> VtepConfig.builder(ADDRESS).threadNice(-21)).hasMessageContaining("-20..19");
    }

    @Test
    void eventLoopRunsAtTheConfiguredNice() throws Exception {
        Vtep vtep = Vtep.create(VtepConfig.builder(ADDRESS).threadNice(-7).build());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            List<Integer> nices = vtepThreadNices();
            while (!nices.contains(-7) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                nices = vtepThreadNices();
            }
            assertThat(nices).contains(-7);
        } finally {
            vtep.close();
        }
    }

    @Test
    void eventLoopRunsOnTheConfiguredCpus() throws Exception {
        CpuSet mine = Resource.threadAffinity();
        int cpu = mine.contains(1) ? 1 : 0;
        Vtep vtep = Vtep.create(VtepConfig.builder(ADDRESS).cpus(CpuSet.of(cpu)).build());
        try {
            // contains, not containsExactly: a loop another test closed may still be ending, on any CPU.
            assertThat(vtepThreadStatus("Cpus_allowed_list")).contains(Integer.toString(cpu));
            assertThat(vtep.config().toString()).endsWith(", cpus " + cpu + ")");
        } finally {
            vtep.close();
        }
        assertThat(Resource.threadAffinity()).isEqualTo(mine);
    }

    @Test
    void runsOneLoopPerNamedCpuEachOnItsOwnUnlessToldToRunOne() throws Exception {
        CpuSet mine = Resource.threadAffinity();
        assumeTrue(mine.contains(0) && mine.contains(1), "needs CPUs 0 and 1, has " + mine);
        Vtep vtep = Vtep.create(VtepConfig.builder(ADDRESS).cpus(CpuSet.of(0, 1)).build());
        try {
            assertThat(vtep.loops()).isEqualTo(2);
            assertThat(vtepThreadStatus("Cpus_allowed_list")).contains("0", "1");
        } finally {
            vtep.close();
        }
        Vtep unnamed = Vtep.create(VtepConfig.builder(ADDRESS).build());
        try {
            assertThat(unnamed.loops()).as("the default: one loop on any CPU").isEqualTo(1);
        } finally {
            unnamed.close();
        }
        Vtep one = Vtep.create(VtepConfig.builder(ADDRESS).cpus(CpuSet.of(0, 1)).loops(1).build());
        try {
            assertThat(one.loops()).isEqualTo(1);
            assertThat(one.config().toString()).endsWith(", cpus 0-1, one loop)");
        } finally {
            one.close();
        }
        Vtep named = Vtep.create(VtepConfig.builder(ADDRESS).cpus(CpuSet.of(1)).build());
        try {
            assertThat(named.loops()).as("one named CPU, one loop").isEqualTo(1);
        } finally {
            named.close();
        }
        assertThatThrownBy(() -> VtepConfig.builder(ADDRESS).loops(2)).hasMessageContaining("0 (one per CPU) or 1");
    }

    @Test
    void cpusTheLoopCannotRunOnAreRefusedAtCreation() throws InterruptedException {
        int threads = vtepThreadStatus("Name").size();
        assertThatThrownBy(() -> Vtep.create(VtepConfig.builder(ADDRESS).cpus(CpuSet.of(CpuSet.MAX_CPUS - 1)).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pin the VTEP event loop to CPUs 1023")
                .hasMessageContaining("Invalid argument");
        // The loop it started is shut down again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (vtepThreadStatus("Name").size() > threads && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(vtepThreadStatus("Name")).hasSize(threads);
    }

    /** One value of /proc status for each of this JVM's VTEP loop threads: the value of {@code key}. */
    /** How many of this process's descriptors are TAP queues ({@code /dev/net/tun}). */
    private static int tunDescriptors() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    n += Files.readSymbolicLink(fd).toString().equals("/dev/net/tun") ? 1 : 0;
                } catch (IOException e) {
                    // closed while listing (the directory stream's own descriptor, or another thread's)
                }
            }
        }
        return n;
    }

    private static List<String> vtepThreadStatus(String key) {
        List<String> values = new ArrayList<>();
        for (String status : vtepThreadFiles("status")) {
            status.lines().filter(line -> line.startsWith(key + ":"))
                    .forEach(line -> values.add(line.substring(key.length() + 1).strip()));
        }
        return values;
    }

    /** Nice values of this JVM's VTEP loop threads, from their stat. */
    private static List<Integer> vtepThreadNices() {
        List<Integer> nices = new ArrayList<>();
        for (String stat : vtepThreadFiles("stat")) {
            nices.add(Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]));
        }
        return nices;
    }

    /** File {@code name} of /proc/self/task/TID for each VTEP loop thread (comm keeps 15 characters of its name). */
    private static List<String> vtepThreadFiles(String name) {
        List<String> files = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith("swarmnet-vtep")) {
                        files.add(Files.readString(task.resolve(name)));
                    }
                } catch (IOException threadEnded) {
                    // The thread ended while the directory was read.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    @Test
    void reportsABindToAnAddressThatIsNotLocal() throws IOException {
        try (TestNamespace host = TestNamespace.create("vxlc")) {
            Vtep vtep = Vtep.create(VtepConfig.builder(ADDRESS).build());
            try {
                assertThatThrownBy(() -> host.netns().call(() -> {
                    vtep.bind();
                    return null;
                })).isInstanceOf(IOException.class).hasMessageContaining("bind");
            } finally {
                vtep.close();
            }
        }
    }
}
