package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The anchor: HAProxy 2.6 {@code mode tcp}, {@code balance roundrobin}, one thread, on the front node. */
final class HaproxyVariant extends DirectBackendsVariant {
    static final int PORT = 8082;

    @Override
    public String name() {
        return "haproxy";
    }

    @Override
    public boolean anchor() {
        return true;
    }

    @Override
    int frontPort() {
        return PORT;
    }

    @Override
    void startBalancer(LabHosts lab, Processes processes, Path dir) throws Exception {
        StringBuilder servers = new StringBuilder();
        for (String host : MeshScenario.BACKENDS) {
            servers.append("    server ").append(host).append(' ').append(lab.address(host)).append(':')
                    .append(MeshScenario.BACKEND_PORT).append('\n');
        }
        Path conf = dir.resolve("haproxy.cfg");
        Files.writeString(conf, """
                global
                    nbthread 1
                    maxconn 4096
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 60s
                    timeout server 60s
                frontend mesh
                    bind %s:%d
                    default_backend nginx
                backend nginx
                    balance roundrobin
                %s""".formatted(lab.address(MeshScenario.FRONT), PORT, servers));
        processes.start(lab.namespace(MeshScenario.FRONT), List.of("haproxy", "-db", "-f", conf.toString()),
                dir.resolve("haproxy.log"));
    }

    @Override
    void stopBalancer(LabHosts lab) {
        // HAProxy is one of the variant's processes: stopped with the backends.
    }
}
