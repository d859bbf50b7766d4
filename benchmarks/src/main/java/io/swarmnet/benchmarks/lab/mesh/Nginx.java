package io.swarmnet.benchmarks.lab.mesh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The backends of the mesh benchmark: nginx with one worker answering every request with a
 * short 200 from memory, as ../shared/ANCHORS.md's L4 figures were taken. One config file
 * serves every instance; each writes its pid under the scratch directory by its own pid.
 */
final class Nginx {
    private Nginx() {
    }

    /** Writes the config for instances listening on {@code port} under {@code dir} and returns its path. */
    static Path config(Path dir, int port) throws IOException {
        Files.createDirectories(dir);
        String temp = dir.resolve("tmp").toString();
        Files.createDirectories(dir.resolve("tmp"));
        Path conf = dir.resolve("nginx-" + port + ".conf");
        Files.writeString(conf, """
                worker_processes 1;
                daemon off;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    client_body_temp_path %2$s; proxy_temp_path %2$s; fastcgi_temp_path %2$s;
                    uwsgi_temp_path %2$s; scgi_temp_path %2$s;
                    keepalive_requests 1000000;
                    server {
                        listen %3$d reuseport;
                        location / { return 200 "ok\\n"; }
                    }
                }
                """.formatted(dir, temp, port));
        return conf;
    }

    /** The command that runs one instance in the foreground: a shell gives it a pid file of its own. */
    static List<String> command(Path conf, Path dir) {
        return List.of("sh", "-c", "exec nginx -c " + conf + " -g \"pid " + dir + "/nginx-$$.pid;\"");
    }
}
