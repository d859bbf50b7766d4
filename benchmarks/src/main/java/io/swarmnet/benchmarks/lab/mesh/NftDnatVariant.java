package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import io.swarmnet.lab.LabTask;
import java.time.Duration;
import java.util.Map;

/**
 * Kernel-only balancing for {@link MeshHttpScenario}: an nftables table of its own on the
 * entry host that DNATs to the tasks with {@code numgen inc mod 2} and masquerades out of
 * the ingress endpoint (what kube-proxy's nftables mode does), with no VIP and no
 * user-space conntrack.
 */
final class NftDnatVariant implements Variant {
    static final int PORT = 8200;
    static final String TABLE = "swarmnet_bench_dnat";
    private final MeshBackends backends;
    private boolean created;

    NftDnatVariant(MeshBackends backends) {
        this.backends = backends;
    }

    @Override
    public String name() {
        return "nftables-dnat";
    }


    @Override
    public void setUp(LabHosts lab) throws Exception {
        backends.ensure(lab);
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < backends.tasks().size(); i++) {
            LabTask t = backends.tasks().get(i);
            map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(t.ip()).append(" . ").append(MeshBackends.TARGET_PORT);
        }
        String rules = "table ip " + TABLE + " {\n"
                + "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n"
                + "    ip daddr " + lab.address(backends.entryHost()) + " tcp dport " + PORT
                + " dnat ip addr . port to numgen inc mod " + backends.tasks().size() + " map { " + map + " }\n  }\n"
                + "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n"
                + "    oifname \"snt-ingress\" ct status dnat masquerade\n  }\n}\n";
        lab.exec(lab.namespace(backends.entryHost()), Duration.ofSeconds(10), "nft", rules);
        created = true;
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        return MeshHttpScenario.measure(lab, backends.entryHost(), PORT, seconds, MeshLoad.PortLane.NFT);
    }

    @Override
    public void tearDown(LabHosts lab) throws Exception {
        if (created) {
            lab.exec(lab.namespace(backends.entryHost()), Duration.ofSeconds(10), "nft", "delete", "table", "ip", TABLE);
            created = false;
        }
    }
}
