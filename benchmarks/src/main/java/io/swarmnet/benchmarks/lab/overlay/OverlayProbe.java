package io.swarmnet.benchmarks.lab.overlay;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.util.Map;

/**
 * What an overlay scenario measures between two task namespaces, whichever overlay joins
 * them: the same probe runs on the kernel's vxlan and on swarmnet, so the two sides of a
 * ratio differ only in the data path.
 */
interface OverlayProbe {
    /**
     * Measures for about {@code seconds} from the task in {@code clientNs} to the one in
     * {@code serverNs} at {@code serverIp}; returns a value for each of the scenario's metrics.
     */
    Map<String, Double> measure(LabHosts lab, String serverNs, String clientNs, String serverIp, int seconds)
            throws Exception;
}
