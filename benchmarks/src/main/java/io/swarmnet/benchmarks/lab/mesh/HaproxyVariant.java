package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import io.swarmnet.lab.LabTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The anchor of {@link MeshHttpScenario}: HAProxy on the entry host, {@code mode tcp},
 * {@code balance roundrobin}, one thread, forwarding to the tasks' ingress addresses
 * over swarmnet's overlay.
 */
final class HaproxyVariant implements Variant {
    static final int PORT = 8100;
    private final MeshBackends backends;
    private Process haproxy;
    private Path config;

    HaproxyVariant(MeshBackends backends) {
        this.backends = backends;
    }

    @Override
    public String name() {
        return "haproxy";
    }

    @Override
    public boolean anchor() {
        return true;
    }

    @Override
    public String unavailableReason() {
        return Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? null
                : "haproxy is not installed (Debian package haproxy; bin/swarmnet bench installs it)";
    }

    @Override
    public void setUp(LabHosts lab) throws Exception {
        backends.ensure(lab);
        // maxconn sets the FD limit HAProxy asks for (2 per connection and some): 4096 fits
        // a default 'ulimit -n' of 20000 and leaves room for wrk's 64 connections.
        StringBuilder cfg = new StringBuilder()
                .append("global\n  nbthread 1\n  maxconn 4096\n")
                .append("defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n")
                .append("frontend mesh\n  bind ").append(lab.address(backends.entryHost())).append(':').append(PORT)
                .append("\n  default_backend tasks\n")
                .append("backend tasks\n  balance roundrobin\n");
        for (LabTask t : backends.tasks()) {
            cfg.append("  server ").append(t.name()).append(' ').append(t.ip()).append(':')
                    .append(MeshBackends.TARGET_PORT).append('\n');
        }
        config = Files.createTempFile("swarmnet-bench-haproxy", ".cfg");
        Files.writeString(config, cfg);
        haproxy = new ProcessBuilder("ip", "netns", "exec", lab.namespace(backends.entryHost()),
                "haproxy", "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                lab.exec(lab.namespace("client"), java.time.Duration.ofSeconds(5), "curl", "-s", "--max-time", "2",
                        "http://" + lab.address(backends.entryHost()) + ":" + PORT + "/");
                return;
            } catch (java.io.IOException notYet) {
                if (!haproxy.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("haproxy did not start on " + backends.entryHost(), notYet);
                }
                Thread.sleep(200);
            }
        }
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        return MeshHttpScenario.measure(lab, backends.entryHost(), PORT, seconds, MeshLoad.PortLane.PROXIED);
    }

    @Override
    public void tearDown(LabHosts lab) throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            haproxy = null;
        }
        if (config != null) {
            Files.deleteIfExists(config);
            config = null;
        }
    }
}
