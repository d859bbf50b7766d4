package io.swarmnet.benchmarks.lab.overlay;

import io.swarmnet.benchmarks.lab.Metric;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.List;
import java.util.Map;

/**
 * Latency task to task across two lab hosts: {@code ping -i 0.002} from w1's task to w2's
 * for the measurement's length, over the kernel's vxlan and over swarmnet. The goal is a
 * difference, not a ratio: swarmnet within +50 µs of the kernel.
 */
public final class OverlayRttScenario implements Scenario {
    public static final String NAME = "overlay-rtt";
    static final Metric AVG = new Metric("rtt-avg", "µs", false);
    static final Metric P50 = new Metric("rtt-p50", "µs", false);
    static final Metric P99 = new Metric("rtt-p99", "µs", false);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ping -i 0.002 between tasks on two lab hosts (" + Ping.RATE + " requests/s for the measurement's"
                + " length, the first " + Ping.WARM_UP + " not counted): mean, median and p99 round trip, over the"
                + " kernel's vxlan and over swarmnet's VTEP.";
    }

    @Override
    public int workers() {
        return 2;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(AVG, P50, P99);
    }

    @Override
    public List<Variant> variants() {
        OverlayProbe ping = (lab, serverNs, clientNs, serverIp, seconds) -> {
            Ping.Rtt r = Ping.rtt(lab, clientNs, serverIp, seconds);
            return Map.of(AVG.name(), r.avgMicros(), P50.name(), r.p50Micros(), P99.name(), r.p99Micros());
        };
        return List.of(new KernelVxlanVariant(ping), new SwarmnetOverlayVariant(ping));
    }
}
