package io.swarmnet.benchmarks.lab.overlay;

import io.swarmnet.benchmarks.lab.Metric;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.List;
import java.util.Map;

/**
 * Small-packet rate task to task across two lab hosts: iperf3 sends 64-byte UDP payloads
 * as fast as it can from w1 to w2, over the kernel's vxlan and over swarmnet; the figure
 * is what the receiver got per second, with the share lost on the way.
 */
public final class OverlayUdpScenario implements Scenario {
    public static final String NAME = "overlay-udp";
    static final int PAYLOAD = 64;
    static final Metric RATE = new Metric("received", "kpps", true);
    static final Metric LOSS = new Metric("loss", "%", false);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "iperf3 -u -l " + PAYLOAD + " -b 0 between tasks on two lab hosts: datagrams received per second"
                + " and the percentage lost, over the kernel's vxlan and over swarmnet's VTEP.";
    }

    @Override
    public int workers() {
        return 2;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(RATE, LOSS);
    }

    @Override
    public List<Variant> variants() {
        OverlayProbe udp = (lab, serverNs, clientNs, serverIp, seconds) -> {
            Iperf3.UdpResult r = Iperf3.udp(lab, serverNs, clientNs, serverIp, seconds, PAYLOAD);
            return Map.of(RATE.name(), r.packetsPerSecond() / 1000, LOSS.name(), r.lostPercent());
        };
        return List.of(new KernelVxlanVariant(udp), new SwarmnetOverlayVariant(udp));
    }
}
