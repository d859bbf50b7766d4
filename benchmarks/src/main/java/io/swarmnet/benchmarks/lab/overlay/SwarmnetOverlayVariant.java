package io.swarmnet.benchmarks.lab.overlay;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.Map;

/** swarmnet's side of {@link OverlayTcpScenario}: not measurable until the VTEP exists (issue #4). */
final class SwarmnetOverlayVariant implements Variant {
    @Override
    public String name() {
        return "swarmnet";
    }

    @Override
    public boolean anchor() {
        return false;
    }

    @Override
    public String unavailableReason() {
        return "swarmnet's VXLAN VTEP and task attachment land with issue #4";
    }

    @Override
    public void setUp(LabHosts lab) {
        throw new UnsupportedOperationException(unavailableReason());
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) {
        throw new UnsupportedOperationException(unavailableReason());
    }

    @Override
    public void tearDown(LabHosts lab) {
    }
}
