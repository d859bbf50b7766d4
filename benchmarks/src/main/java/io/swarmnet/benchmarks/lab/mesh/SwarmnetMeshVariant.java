package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.agent.lab.DeploySpec;
import io.swarmnet.agent.lab.Lab;
import io.swarmnet.agent.lab.LabTask;
import io.swarmnet.agent.lab.LabTasks;
import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * swarmnet's side: nginx as a two-replica service published on {@link #PORT} in ingress
 * mode; wrk goes to the node the scheduler left without a task, whose agent's mesh sends
 * each connection to a task on another node over the ingress overlay.
 */
final class SwarmnetMeshVariant implements Variant {
    static final String SERVICE = "benchmesh";
    static final int PORT = 8080;
    private static final int TARGET = 80;
    private String front;
    private Path dir;

    @Override
    public String name() {
        return "swarmnet";
    }

    @Override
    public boolean anchor() {
        return false;
    }

    @Override
    public void setUp(LabHosts lab) throws Exception {
        dir = Files.createTempDirectory("swarmnet-bench-mesh-");
        Path conf = Nginx.config(dir, TARGET);
        List<LabTask> tasks = LabTasks.open(Lab.open(lab.name())).deploy(new DeploySpec(SERVICE, 2, null,
                List.of(PORT + ":" + TARGET), new ArrayList<>(Nginx.command(conf, dir))));
        Set<String> used = tasks.stream().map(LabTask::host).collect(Collectors.toSet());
        if (used.size() != 2) {
            throw new IllegalStateException("expected the two tasks on two nodes, got " + tasks);
        }
        front = List.of("m1", "w1", "w2").stream().filter(h -> !used.contains(h)).findFirst().orElseThrow();
        Processes.awaitHttp(lab, lab.namespace("client"), url(lab), Duration.ofSeconds(30));
    }

    private String url(LabHosts lab) {
        return "http://" + lab.address(front) + ":" + PORT + "/";
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        return MeshLoad.measure(lab, url(lab), seconds);
    }

    @Override
    public void tearDown(LabHosts lab) throws Exception {
        try {
            LabTasks.open(Lab.open(lab.name())).remove(SERVICE);
        } finally {
            if (dir != null) {
                lab.run(Duration.ofSeconds(10), "rm", "-rf", dir.toString());
            }
        }
    }
}
