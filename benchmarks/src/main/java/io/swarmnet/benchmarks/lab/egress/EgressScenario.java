package io.swarmnet.benchmarks.lab.egress;

import io.swarmnet.benchmarks.lab.Metric;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.List;

/**
 * Egress TCP throughput from a task to the lab's internet host: iperf3 from a namespace
 * behind a plain Linux bridge with masquerade on the node (the anchor, Docker's own
 * docker_gwbridge path) and from a task's {@code eth1} on swarmnet's gwbridge.
 */
public final class EgressScenario implements Scenario {
    public static final String NAME = "egress";
    static final Metric THROUGHPUT = new Metric("throughput", "Gbit/s", true);
    static final String NODE = "m1";
    static final String INTERNET = "internet";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "iperf3 TCP from a task on m1 to the internet host (198.51.100.1), source-NATed to m1:"
                + " a veth on a plain Linux bridge with nftables masquerade, and eth1 on swarmnet's gwbridge"
                + " (a 1-replica service from 'lab deploy').";
    }

    @Override
    public int workers() {
        return 0;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(THROUGHPUT);
    }

    @Override
    public List<Variant> variants() {
        return List.of(new LinuxBridgeVariant(), new SwarmnetGwBridgeVariant());
    }
}
