package io.swarmnet.vxlan;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import io.swarmnet.sys.TapDevice;
import io.swarmnet.sys.testing.TestNamespace;
import io.swarmnet.vxlan.port.TapPort;
import io.swarmnet.vxlan.vtep.Transport;
import io.swarmnet.vxlan.vtep.Vtep;
import io.swarmnet.vxlan.vtep.VtepConfig;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Two "hosts" as namespaces joined by a veth underlay (192.0.2.11 and 192.0.2.12, MTU 1400,
 * addresses that exist only inside these namespaces), on which a test starts swarmnet VTEPs
 * or Linux {@code vxlan} devices and attaches task namespaces (eth0 with MAC 02:42 + IPv4,
 * MTU 1350). {@link #close()} tears everything down in reverse order, also after a failure.
 */
public final class OverlayLab implements AutoCloseable {
    public static final int UNDERLAY_MTU = 1400;
    public static final int OVERLAY_MTU = UNDERLAY_MTU - 50;
    public static final int HOST_A = Ipv4Address.parse("192.0.2.11");
    public static final int HOST_B = Ipv4Address.parse("192.0.2.12");

    /** Undo steps, run last-in first-out by {@link #close()}. */
    private final Deque<AutoCloseable> undo = new ArrayDeque<>();
    private final TestNamespace hostA;
    private final TestNamespace hostB;
    private int taps;

    public OverlayLab() throws IOException {
        boolean success = false;
        try {
            hostA = track(TestNamespace.create("vxha"));
            hostB = track(TestNamespace.create("vxhb"));
            hostA.ip("link", "add", "ul0", "mtu", Integer.toString(UNDERLAY_MTU), "type", "veth",
                    "peer", "name", "ul0", "mtu", Integer.toString(UNDERLAY_MTU), "netns", hostB.name());
            configureUnderlay(hostA, HOST_A);
            configureUnderlay(hostB, HOST_B);
            success = true;
        } finally {
            if (!success) {
                close();
            }
        }
    }

    private static void configureUnderlay(TestNamespace host, int address) throws IOException {
        host.ip("addr", "add", Ipv4Address.toString(address) + "/24", "dev", "ul0");
        host.ip("link", "set", "ul0", "up");
    }

    public TestNamespace hostA() {
        return hostA;
    }

    public TestNamespace hostB() {
        return hostB;
    }

    /** Starts a swarmnet VTEP whose sockets live in {@code host}, on its underlay address. */
    public Vtep startVtep(TestNamespace host, int address, Transport transport) throws IOException {
        return startVtep(host, VtepConfig.builder(address).transport(transport).build());
    }

    public Vtep startVtep(TestNamespace host, VtepConfig config) throws IOException {
        Vtep vtep = track(Vtep.create(config));
        host.netns().call(() -> {
            vtep.bind();
            return null;
        });
        return vtep;
    }

    /**
     * Creates a task namespace whose eth0 is a TAP of {@code vtep}'s host attached to network
     * {@code vni}, addressed {@code ip}/24.
     */
    public Task attachTask(Vtep vtep, TestNamespace host, int vni, int ip) throws IOException {
        TestNamespace ns = track(TestNamespace.create("vxt"));
        disableIpv6(ns);
        String tapName = "vxtap" + (taps++);
        // A queue per event loop of the VTEP, as the agent opens them; the VTEP closes them on failure.
        java.util.List<TapDevice> queues = host.netns().call(() -> TapPort.openTapQueues(tapName, true, vtep.loops()));
        TapPort port = vtep.attachQueues(queues, vni);
        undo.push(() -> vtep.detach(port));
        host.ip("link", "set", tapName, "netns", ns.name());
        ns.ip("link", "set", tapName, "name", "eth0");
        Task task = new Task(ns, ip, port);
        configureEth0(task);
        return task;
    }

    /**
     * Builds Linux's own overlay on {@code host}, as Docker does: a bridge with a
     * {@code vxlan nolearning} device for {@code vni} sourced from {@code address}.
     */
    public void startKernelVtep(TestNamespace host, int address, int vni) throws IOException {
        host.ip("link", "add", "br0", "mtu", Integer.toString(OVERLAY_MTU), "type", "bridge");
        host.ip("link", "add", "vx0", "mtu", Integer.toString(OVERLAY_MTU), "type", "vxlan", "id", Integer.toString(vni),
                "local", Ipv4Address.toString(address), "dstport", "4789", "nolearning");
        host.ip("link", "set", "vx0", "master", "br0");
        host.ip("link", "set", "vx0", "up");
        host.ip("link", "set", "br0", "up");
    }

    /**
     * Creates a task namespace behind the kernel bridge of {@code host} through a veth, with
     * transmit checksum offload off if a swarmnet VTEP is to read its traffic (see
     * {@link TxChecksum} for why).
     */
    public Task attachKernelTask(TestNamespace host, int ip, boolean resolveChecksums) throws IOException {
        TestNamespace ns = track(TestNamespace.create("vxt"));
        disableIpv6(ns);
        String hostEnd = "vxv" + (taps++);
        host.ip("link", "add", hostEnd, "mtu", Integer.toString(OVERLAY_MTU), "type", "veth",
                "peer", "name", "eth0", "netns", ns.name());
        host.ip("link", "set", hostEnd, "master", "br0");
        host.ip("link", "set", hostEnd, "up");
        if (resolveChecksums) {
            TxChecksum.disable(ns, "eth0");
        }
        Task task = new Task(ns, ip, null);
        configureEth0(task);
        return task;
    }

    /** Tells the kernel VTEP on {@code host} that {@code remote} lives behind {@code vtep}, statically. */
    public void kernelFdb(TestNamespace host, Task remote, int vtep) throws IOException {
        host.exec("bridge", "fdb", "append", MacAddress.toString(remote.mac()), "dev", "vx0",
                "dst", Ipv4Address.toString(vtep), "self", "permanent");
    }

    /** Gives {@code task} a permanent neighbour entry for {@code remote}, as Docker's overlay does. */
    public static void staticNeighbour(Task task, Task remote) throws IOException {
        task.ns().ip("neigh", "replace", Ipv4Address.toString(remote.ip()), "lladdr", MacAddress.toString(remote.mac()),
                "dev", "eth0", "nud", "permanent");
    }

    private static void configureEth0(Task task) throws IOException {
        TestNamespace ns = task.ns();
        ns.ip("link", "set", "eth0", "address", MacAddress.toString(task.mac()), "mtu", Integer.toString(OVERLAY_MTU));
        ns.ip("addr", "add", Ipv4Address.toString(task.ip()) + "/24", "dev", "eth0");
        ns.ip("link", "set", "eth0", "up");
    }

    private static void disableIpv6(TestNamespace ns) throws IOException {
        // Router solicitations and MLD reports would be counted as flood drops and cloud
        // the counters the tests assert on.
        ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
    }

    private <T extends AutoCloseable> T track(T resource) {
        undo.push(resource);
        return resource;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof IOException ? (IOException) e : new IOException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A task: its namespace, overlay address, Docker-style MAC, and its port if a swarmnet VTEP serves it. */
    public static final class Task {
        private final TestNamespace ns;
        private final int ip;
        private final TapPort port;

        Task(TestNamespace ns, int ip, TapPort port) {
            this.ns = ns;
            this.ip = ip;
            this.port = port;
        }

        public TestNamespace ns() {
            return ns;
        }

        public int ip() {
            return ip;
        }

        public long mac() {
            return MacAddress.fromIpv4(ip);
        }

        public TapPort port() {
            return port;
        }

        /** Pings {@code to} {@code count} times; returns whether every echo came back. */
        public boolean ping(int to, int count) throws IOException {
            return ns.status("ping", "-c", Integer.toString(count), "-i", "0.2", "-W", "2",
                    Ipv4Address.toString(to)) == 0;
        }

        @Override
        public String toString() {
            return ns + "(" + Ipv4Address.toString(ip) + ")";
        }
    }
}
