package io.swarmnet.benchmarks.lab.overlay;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import io.swarmnet.lab.DeploySpec;
import io.swarmnet.lab.Lab;
import io.swarmnet.lab.LabTask;
import io.swarmnet.lab.LabTasks;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * swarmnet's side of {@link OverlayTcpScenario}: a two-replica service deployed with
 * {@code lab deploy}, so its tasks sit behind the agents' TAPs and VTEPs on two hosts.
 */
final class SwarmnetOverlayVariant implements Variant {
    static final String SERVICE = "benchovl";
    static final int WARM_UP_SECONDS = 5;
    private final OverlayProbe probe;
    private List<LabTask> tasks = List.of();

    SwarmnetOverlayVariant(OverlayProbe probe) {
        this.probe = probe;
    }

    @Override
    public String name() {
        return "swarmnet";
    }


    @Override
    public void setUp(LabHosts lab) throws Exception {
        tasks = LabTasks.open(Lab.open(lab.name()))
                .deploy(new DeploySpec(SERVICE, 2, null, List.of(), List.of("sleep", "infinity")));
        if (tasks.size() != 2 || tasks.get(0).host().equals(tasks.get(1).host())) {
            throw new IllegalStateException("expected two tasks on two hosts, got " + tasks);
        }
        // The agents' data path is Java: it runs interpreted until the JIT has seen it work.
        // The kernel's needs no warming, so swarmnet's gets a flood ping first (both agents,
        // both directions of their loops), at most WARM_UP_SECONDS.
        lab.exec(tasks.get(0).namespace(), Duration.ofSeconds(WARM_UP_SECONDS + 10L), "sh", "-c",
                "ping -q -f -c 20000 -w " + WARM_UP_SECONDS + " " + tasks.get(1).ip() + " >/dev/null || true");
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        LabTask client = tasks.get(0);
        LabTask server = tasks.get(1);
        return probe.measure(lab, server.namespace(), client.namespace(), server.ip(), seconds);
    }

    @Override
    public void tearDown(LabHosts lab) {
        LabTasks.open(Lab.open(lab.name())).remove(SERVICE);
        tasks = List.of();
    }
}
