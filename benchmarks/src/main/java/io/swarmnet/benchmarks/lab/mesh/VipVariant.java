package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import io.swarmnet.lab.DeploySpec;
import io.swarmnet.lab.Lab;
import io.swarmnet.lab.LabTask;
import io.swarmnet.lab.LabTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One side of {@link VipScenario}: wrk from the client task to the backend's address or to the VIP. */
final class VipVariant implements Variant {
    static final String BACKEND = "benchvipweb";
    static final String CLIENT = "benchvipcli";
    private final boolean viaVip;
    private Path dir;
    private LabTask client;
    private String target;

    VipVariant(boolean viaVip) {
        this.viaVip = viaVip;
    }

    @Override
    public String name() {
        return viaVip ? "swarmnet" : "direct";
    }

    @Override
    public boolean anchor() {
        return !viaVip;
    }

    @Override
    public void setUp(LabHosts lab) throws Exception {
        dir = Files.createTempDirectory("swarmnet-bench-vip-");
        Path conf = Nginx.config(dir, 80);
        Lab l = Lab.open(lab.name());
        LabTasks tasks = LabTasks.open(l);
        LabTask backend = tasks.deploy(new DeploySpec(BACKEND, 1, null, List.of(), new ArrayList<>(Nginx.command(conf, dir))))
                .get(0);
        // Same network as the backend, so the VIP is reachable; the scheduler spreads it to the other node.
        client = tasks.deploy(new DeploySpec(CLIENT, 1, BACKEND + "_default", List.of(), List.of("sleep", "infinity"))).get(0);
        if (client.host().equals(backend.host())) {
            throw new IllegalStateException("client and backend tasks share " + client.host() + "; expected two nodes");
        }
        target = viaVip ? tasks.vips(BACKEND).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException(BACKEND + " has no VIP")) : backend.ip();
        Processes.awaitHttp(lab, client.namespace(), url(), Duration.ofSeconds(30));
    }

    private String url() {
        return "http://" + target + "/";
    }


    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        // Each variant deploys its own backend and client tasks, so no TIME_WAIT carries over.
        return MeshLoad.measure(lab, client.namespace(), url(), seconds, MeshLoad.PortLane.ALONE);
    }

    @Override
    public void tearDown(LabHosts lab) throws Exception {
        try {
            LabTasks tasks = LabTasks.open(Lab.open(lab.name()));
            tasks.remove(CLIENT);
            tasks.remove(BACKEND);
        } finally {
            client = null;
            if (dir != null) {
                lab.run(Duration.ofSeconds(10), "rm", "-rf", dir.toString());
            }
        }
    }
}
