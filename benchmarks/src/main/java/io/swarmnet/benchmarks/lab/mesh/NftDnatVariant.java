package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The kernel's own balancer: nftables DNAT to {@code numgen inc mod 2} of the backends and
 * masquerade, on the front node, in a table of its own that tear-down deletes.
 */
final class NftDnatVariant extends DirectBackendsVariant {
    static final int PORT = 8083;
    private static final String TABLE = "swarmnet_bench_dnat";
    private static final Duration T = Duration.ofSeconds(10);
    private String forwarding;

    @Override
    public String name() {
        return "nft-dnat";
    }

    @Override
    int frontPort() {
        return PORT;
    }

    @Override
    void startBalancer(LabHosts lab, Processes processes, Path dir) throws Exception {
        String front = lab.namespace(MeshScenario.FRONT);
        String b1 = lab.address(MeshScenario.BACKENDS.get(0));
        String b2 = lab.address(MeshScenario.BACKENDS.get(1));
        Path rules = dir.resolve("dnat.nft");
        Files.writeString(rules, """
                table ip %1$s {
                    chain pre {
                        type nat hook prerouting priority dstnat;
                        ip daddr %2$s tcp dport %3$d dnat to numgen inc mod 2 map { 0 : %4$s, 1 : %5$s } : %6$d
                    }
                    chain post {
                        type nat hook postrouting priority srcnat;
                        ip daddr { %4$s, %5$s } tcp dport %6$d masquerade
                    }
                }
                """.formatted(TABLE, lab.address(MeshScenario.FRONT), PORT, b1, b2, MeshScenario.BACKEND_PORT));
        forwarding = lab.exec(front, T, "sysctl", "-n", "net.ipv4.ip_forward").trim();
        lab.exec(front, T, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        lab.exec(front, T, "nft", "-f", rules.toString());
    }

    @Override
    void stopBalancer(LabHosts lab) throws Exception {
        String front = lab.namespace(MeshScenario.FRONT);
        try {
            lab.exec(front, T, "nft", "delete", "table", "ip", TABLE);
        } catch (Exception absent) {
            // Not created: set-up failed before.
        }
        if (forwarding != null) {
            lab.exec(front, T, "sysctl", "-qw", "net.ipv4.ip_forward=" + forwarding);
            forwarding = null;
        }
    }
}
