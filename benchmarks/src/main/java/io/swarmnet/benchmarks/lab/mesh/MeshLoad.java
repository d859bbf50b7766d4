package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.util.Map;

/** The two wrk runs of the mesh and VIP scenarios, keep-alive and new-connection, as their four figures. */
final class MeshLoad {
    private MeshLoad() {
    }

    /** Both runs from {@code client}, a lab host's or a task's namespace, against {@code url}. */
    static Map<String, Double> measure(LabHosts lab, String client, String url, int seconds) throws Exception {
        Wrk.Figures keepAlive = Wrk.run(lab, client, url, seconds, false);
        Wrk.Figures close = Wrk.run(lab, client, url, seconds, true);
        return Map.of(
                MeshHttpScenario.RPS_KEEPALIVE.name(), keepAlive.requestsPerSecond(),
                MeshHttpScenario.P99_KEEPALIVE.name(), keepAlive.p99Millis(),
                MeshHttpScenario.RPS_CLOSE.name(), close.requestsPerSecond(),
                MeshHttpScenario.P99_CLOSE.name(), close.p99Millis());
    }
}
