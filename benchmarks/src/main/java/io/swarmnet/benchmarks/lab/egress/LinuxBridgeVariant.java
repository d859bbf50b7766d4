package io.swarmnet.benchmarks.lab.egress;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import io.swarmnet.benchmarks.lab.overlay.Iperf3;
import java.time.Duration;
import java.util.Map;

/**
 * The anchor of {@link EgressScenario}: what Docker builds for a container's egress, on the
 * node a Linux bridge with the gateway address, a veth into the task namespace, and a
 * masquerade rule for the bridge's subnet leaving by any other interface. The rule lives
 * in a table of its own, next to swarmnet's, so both paths cross the same hooks.
 */
final class LinuxBridgeVariant implements Variant {
    static final String BRIDGE = "egbr";
    static final String TABLE = "bench_egress";
    static final String SUBNET = "172.31.0.0/24";
    static final String GATEWAY = "172.31.0.1";
    static final String TASK_IP = "172.31.0.2";
    private static final Duration T = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "linux-bridge";
    }

    @Override
    public boolean anchor() {
        return true;
    }

    static String taskNs(LabHosts lab) {
        return lab.name() + "-" + EgressScenario.NODE + "-egr";
    }

    @Override
    public void setUp(LabHosts lab) throws Exception {
        String h = lab.namespace(EgressScenario.NODE);
        String t = taskNs(lab);
        lab.run(T, "ip", "netns", "add", t);
        lab.run(T, "ip", "-n", h, "link", "add", BRIDGE, "type", "bridge");
        lab.run(T, "ip", "-n", h, "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
        lab.run(T, "ip", "-n", h, "link", "add", "egrv", "type", "veth", "peer", "name", "eth1", "netns", t);
        lab.run(T, "ip", "-n", h, "link", "set", "egrv", "master", BRIDGE, "up");
        lab.run(T, "ip", "-n", h, "link", "set", BRIDGE, "up");
        lab.run(T, "ip", "netns", "exec", h, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        lab.run(T, "ip", "netns", "exec", h, "nft", "add table ip " + TABLE + "; add chain ip " + TABLE
                + " postrouting { type nat hook postrouting priority srcnat; policy accept; }; add rule ip " + TABLE
                + " postrouting ip saddr " + SUBNET + " oifname != " + BRIDGE + " masquerade");
        lab.run(T, "ip", "-n", t, "link", "set", "lo", "up");
        lab.run(T, "ip", "-n", t, "addr", "add", TASK_IP + "/24", "dev", "eth1");
        lab.run(T, "ip", "-n", t, "link", "set", "eth1", "up");
        lab.run(T, "ip", "-n", t, "route", "add", "default", "via", GATEWAY);
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        double gbits = Iperf3.tcpGbits(lab, lab.namespace(EgressScenario.INTERNET), taskNs(lab),
                lab.address(EgressScenario.INTERNET), seconds);
        return Map.of(EgressScenario.THROUGHPUT.name(), gbits);
    }

    @Override
    public void tearDown(LabHosts lab) {
        String h = lab.namespace(EgressScenario.NODE);
        quietly(lab, "ip", "netns", "del", taskNs(lab));
        quietly(lab, "ip", "-n", h, "link", "del", BRIDGE);
        quietly(lab, "ip", "netns", "exec", h, "nft", "delete", "table", "ip", TABLE);
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
