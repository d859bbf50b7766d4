package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The anchors' shared half: nginx in the host namespaces of the two backend nodes, reached
 * over the underlay, and a balancer on {@link MeshScenario#FRONT} that the subclass sets up.
 */
abstract class DirectBackendsVariant implements Variant {
    private Processes processes;
    private Path dir;

    /** The port the balancer listens on, on the front node's underlay address. */
    abstract int frontPort();

    abstract void startBalancer(LabHosts lab, Processes processes, Path dir) throws Exception;

    abstract void stopBalancer(LabHosts lab) throws Exception;

    @Override
    public boolean anchor() {
        return false;
    }

    @Override
    public void setUp(LabHosts lab) throws Exception {
        processes = new Processes();
        dir = Files.createTempDirectory("swarmnet-bench-" + name() + "-");
        Path conf = Nginx.config(dir, MeshScenario.BACKEND_PORT);
        for (String host : MeshScenario.BACKENDS) {
            processes.start(lab.namespace(host), Nginx.command(conf, dir), dir.resolve("nginx-" + host + ".log"));
        }
        for (String host : MeshScenario.BACKENDS) {
            Processes.awaitHttp(lab, lab.namespace(MeshScenario.FRONT),
                    "http://" + lab.address(host) + ":" + MeshScenario.BACKEND_PORT + "/", Duration.ofSeconds(15));
        }
        startBalancer(lab, processes, dir);
        Processes.awaitHttp(lab, lab.namespace("client"), url(lab), Duration.ofSeconds(15));
    }

    String url(LabHosts lab) {
        return "http://" + lab.address(MeshScenario.FRONT) + ":" + frontPort() + "/";
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        return MeshLoad.measure(lab, url(lab), seconds);
    }

    @Override
    public void tearDown(LabHosts lab) throws Exception {
        try {
            stopBalancer(lab);
        } finally {
            if (processes != null) {
                processes.close();
            }
            if (dir != null) {
                lab.run(Duration.ofSeconds(10), "rm", "-rf", dir.toString());
            }
        }
    }
}
