package io.swarmnet.benchmarks.lab.dns;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.lab.DeploySpec;
import io.swarmnet.lab.Lab;
import io.swarmnet.lab.LabTask;
import io.swarmnet.lab.LabTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service both variants resolve: deployed once (two tasks) and left for {@code lab
 * down}, so alternating variants costs no redeploy; the first task is where dnsperf runs.
 */
final class BenchService {
    static final String SERVICE = "benchdns";
    private static final Duration DIG = Duration.ofSeconds(10);
    private LabTask client;
    private Map<String, List<String>> names;
    private Path queries;

    /** Deploys on first use; the names and their addresses as the embedded resolver answers them. */
    void ensure(LabHosts lab) throws Exception {
        if (client != null) {
            return;
        }
        List<LabTask> tasks = LabTasks.open(Lab.open(lab.name()))
                .deploy(new DeploySpec(SERVICE, 2, null, List.of(), List.of("sleep", "infinity")));
        client = tasks.get(0);
        names = new LinkedHashMap<>();
        for (String name : List.of(SERVICE, "tasks." + SERVICE, SERVICE + ".1", SERVICE + ".2")) {
            String out = lab.exec(client.namespace(), DIG, "dig", "+short", "+time=2", "@127.0.0.11", name);
            List<String> ips = out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (ips.isEmpty()) {
                throw new IllegalStateException("the embedded resolver does not answer " + name);
            }
            names.put(name, ips);
        }
        queries = Files.createTempFile("swarmnet-bench-dns-", ".txt");
        StringBuilder sb = new StringBuilder();
        names.keySet().forEach(n -> sb.append(n).append(" A\n"));
        Files.writeString(queries, sb.toString());
        queries.toFile().deleteOnExit();
    }

    LabTask client() {
        return client;
    }

    Map<String, List<String>> names() {
        return names;
    }

    Path queries() {
        return queries;
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // A temp file; the JVM's exit hook tries again.
        }
    }
}
