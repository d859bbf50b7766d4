package io.swarmnet.benchmarks.lab.overlay;

import io.swarmnet.benchmarks.lab.Metric;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.List;
import java.util.Map;

/**
 * Task-to-task TCP throughput across two lab hosts over an overlay: iperf3 from a task
 * namespace on w1 to one on w2, through the Linux kernel's vxlan (the anchor, what
 * Docker's overlay uses) and through swarmnet's VTEP.
 */
public final class OverlayTcpScenario implements Scenario {
    public static final String NAME = "overlay-tcp";
    static final Metric THROUGHPUT = new Metric("throughput", "Gbit/s", true);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "iperf3 TCP between tasks on two lab hosts over a VXLAN overlay: the kernel's vxlan (VNI "
                + KernelVxlanVariant.VNI + ", UDP " + KernelVxlanVariant.PORT + ", w1 -> w2) and swarmnet's VTEP"
                + " (a 2-replica service from 'lab deploy').";
    }

    @Override
    public int workers() {
        return 2;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(THROUGHPUT);
    }

    @Override
    public List<Variant> variants() {
        OverlayProbe tcp = (lab, serverNs, clientNs, serverIp, seconds) ->
                Map.of(THROUGHPUT.name(), Iperf3.tcpGbits(lab, serverNs, clientNs, serverIp, seconds));
        return List.of(new KernelVxlanVariant(tcp), new SwarmnetOverlayVariant(tcp));
    }
}
