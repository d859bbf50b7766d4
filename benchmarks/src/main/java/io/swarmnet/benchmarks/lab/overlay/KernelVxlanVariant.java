package io.swarmnet.benchmarks.lab.overlay;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The anchor of {@link OverlayTcpScenario}: what Docker's overlay driver builds with the
 * kernel, per host a bridge with a {@code vxlan} device (no learning, the peer VTEP in an
 * all-zeros FDB entry for broadcast) and a veth into a task namespace.
 */
final class KernelVxlanVariant implements Variant {
    static final int VNI = 4200;
    // The agents' VTEPs hold UDP 4789 on every lab host; the port does not change the path.
    static final int PORT = 4790;
    static final List<String> HOSTS = List.of("w1", "w2");
    private static final Duration T = Duration.ofSeconds(10);
    private final OverlayProbe probe;

    KernelVxlanVariant(OverlayProbe probe) {
        this.probe = probe;
    }

    @Override
    public String name() {
        return "kernel-vxlan";
    }

    @Override
    public boolean anchor() {
        return true;
    }

    static String taskNs(LabHosts lab, String host) {
        return lab.name() + "-" + host + "-kvx";
    }

    static String taskIp(String host) {
        return "10.200.0." + (HOSTS.indexOf(host) + 1);
    }

    @Override
    public void setUp(LabHosts lab) throws Exception {
        for (String host : HOSTS) {
            String peer = HOSTS.get(1 - HOSTS.indexOf(host));
            String h = lab.namespace(host);
            String t = taskNs(lab, host);
            int mtu = underlayMtu(lab, h) - 50;
            lab.run(T, "ip", "netns", "add", t);
            lab.run(T, "ip", "-n", h, "link", "add", "kvxbr", "type", "bridge");
            lab.run(T, "ip", "-n", h, "link", "add", "kvx0", "mtu", Integer.toString(mtu), "type", "vxlan",
                    "id", Integer.toString(VNI), "local", lab.address(host), "dstport", Integer.toString(PORT), "nolearning");
            lab.run(T, "bridge", "-n", h, "fdb", "append", "00:00:00:00:00:00", "dev", "kvx0",
                    "dst", lab.address(peer));
            lab.run(T, "ip", "-n", h, "link", "add", "kvxv", "mtu", Integer.toString(mtu), "type", "veth",
                    "peer", "name", "eth0", "netns", t);
            lab.run(T, "ip", "-n", h, "link", "set", "kvx0", "master", "kvxbr", "up");
            lab.run(T, "ip", "-n", h, "link", "set", "kvxv", "master", "kvxbr", "up");
            lab.run(T, "ip", "-n", h, "link", "set", "kvxbr", "up");
            lab.run(T, "ip", "-n", t, "link", "set", "lo", "up");
            lab.run(T, "ip", "-n", t, "link", "set", "eth0", "mtu", Integer.toString(mtu), "up");
            lab.run(T, "ip", "-n", t, "addr", "add", taskIp(host) + "/24", "dev", "eth0");
        }
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        return probe.measure(lab, taskNs(lab, "w2"), taskNs(lab, "w1"), taskIp("w2"), seconds);
    }

    @Override
    public void tearDown(LabHosts lab) throws Exception {
        for (String host : HOSTS) {
            String h = lab.namespace(host);
            quietly(lab, "ip", "netns", "del", taskNs(lab, host));
            quietly(lab, "ip", "-n", h, "link", "del", "kvx0");
            quietly(lab, "ip", "-n", h, "link", "del", "kvxbr");
        }
    }

    private static int underlayMtu(LabHosts lab, String hostNs) throws Exception {
        String out = lab.run(T, "ip", "-n", hostNs, "-o", "link", "show", "eth0");
        String[] words = out.trim().split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("mtu")) {
                return Integer.parseInt(words[i + 1]);
            }
        }
        throw new IllegalStateException("no mtu in: " + out);
    }

    /** Tear-down removes what may be absent after a partial set-up; absence is not an error. */
    private static void quietly(LabHosts lab, String... cmd) {
        try {
            lab.run(T, cmd);
        } catch (Exception absent) {
            // already gone
        }
    }
}
