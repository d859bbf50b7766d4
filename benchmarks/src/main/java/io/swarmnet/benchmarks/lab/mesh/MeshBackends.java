package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.lab.DeploySpec;
import io.swarmnet.lab.Lab;
import io.swarmnet.lab.LabTask;
import io.swarmnet.lab.LabTasks;
import java.util.List;

/**
 * The backends every variant of {@link MeshHttpScenario} shares: a 2-replica echo service
 * deployed once (published on {@link #MESH_PORT} through swarmnet's mesh), and the lab host
 * that runs none of its tasks, where every variant's entry point is.
 */
final class MeshBackends {
    static final String SERVICE = "benchmesh";
    static final int MESH_PORT = 8000;
    static final int TARGET_PORT = 80;

    private List<LabTask> tasks = List.of();
    private String entryHost;

    /** Deploys the service the first time, and waits until the mesh reaches both tasks. */
    synchronized void ensure(LabHosts lab) throws Exception {
        if (!tasks.isEmpty()) {
            return;
        }
        List<LabTask> deployed = LabTasks.open(Lab.open(lab.name())).deploy(new DeploySpec(SERVICE, 2, null,
                List.of(MESH_PORT + ":" + TARGET_PORT), List.of("swarmnet", "echo-server")));
        String entry = List.of("m1", "w1", "w2").stream()
                .filter(h -> deployed.stream().noneMatch(t -> t.host().equals(h))).findFirst()
                .orElseThrow(() -> new IllegalStateException("every host runs a task of " + SERVICE + ": " + deployed));
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (LabTask t : deployed) {
            while (true) {
                String answer;
                try {
                    answer = lab.exec(lab.namespace(entry), java.time.Duration.ofSeconds(10), "curl", "-s", "--max-time", "2",
                            "http://" + t.ip() + ":" + TARGET_PORT + "/");
                } catch (java.io.IOException notYet) {
                    answer = "";
                }
                if (answer.startsWith(t.name() + " ")) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(t.name() + " never answered from " + entry);
                }
                Thread.sleep(300);
            }
        }
        tasks = deployed;
        entryHost = entry;
    }

    List<LabTask> tasks() {
        return tasks;
    }

    /** The host with no task of the service: the client's entry point in every variant. */
    String entryHost() {
        return entryHost;
    }
}
