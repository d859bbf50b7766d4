package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.util.Map;

/** The two wrk runs every variant of the mesh and VIP scenarios gets. */
final class MeshLoad {
    private MeshLoad() {
    }

    static Map<String, Double> measure(LabHosts lab, String url, int seconds) throws Exception {
        return measure(lab, lab.namespace("client"), url, seconds);
    }

    /** The keep-alive and the new-connection run from {@code client}, a lab host's or a task's namespace. */
    static Map<String, Double> measure(LabHosts lab, String client, String url, int seconds) throws Exception {
        Wrk.Figures keepAlive = Wrk.run(lab, client, url, 64, false, seconds);
        Wrk.Figures close = Wrk.run(lab, client, url, 32, true, seconds);
        return Map.of(
                MeshScenario.RPS_KEEPALIVE.name(), keepAlive.requestsPerSecond(),
                MeshScenario.P99_KEEPALIVE.name(), keepAlive.p99Millis(),
                MeshScenario.RPS_CLOSE.name(), close.requestsPerSecond(),
                MeshScenario.P99_CLOSE.name(), close.p99Millis());
    }
}
