package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.util.Map;

/** The two wrk runs every variant of the mesh scenario gets, from the client namespace. */
final class MeshLoad {
    private MeshLoad() {
    }

    static Map<String, Double> measure(LabHosts lab, String url, int seconds) throws Exception {
        String client = lab.namespace("client");
        Wrk.Figures keepAlive = Wrk.run(lab, client, url, 64, false, seconds);
        Wrk.Figures close = Wrk.run(lab, client, url, 32, true, seconds);
        return Map.of(
                MeshScenario.RPS_KEEPALIVE.name(), keepAlive.requestsPerSecond(),
                MeshScenario.P99_KEEPALIVE.name(), keepAlive.p99Millis(),
                MeshScenario.RPS_CLOSE.name(), close.requestsPerSecond(),
                MeshScenario.P99_CLOSE.name(), close.p99Millis());
    }
}
