package io.swarmnet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The lab's etcd cluster: one member per manager, started inside the manager's
 * namespace, probed with {@code etcdctl} from the client namespace (the one host that
 * reaches every member and is never a member itself).
 */
final class EtcdCluster {
    static final int CLIENT_PORT = 2379;
    static final int PEER_PORT = 2380;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;
    private final String lab;
    private final List<LabHost> managers;
    private final String probeNamespace;
    private final Path etcdctl;

    EtcdCluster(CommandRunner runner, String lab, List<LabHost> managers, String probeNamespace, Path etcdctl) {
        this.runner = runner;
        this.lab = lab;
        this.managers = List.copyOf(managers);
        this.probeNamespace = probeNamespace;
        this.etcdctl = etcdctl;
    }

    static String clientUrl(LabHost m) {
        return "http://" + m.address() + ":" + CLIENT_PORT;
    }

    static String peerUrl(LabHost m) {
        return "http://" + m.address() + ":" + PEER_PORT;
    }

    static List<String> clientUrls(List<LabHost> managers) {
        return managers.stream().map(EtcdCluster::clientUrl).toList();
    }

    /** The command that runs member {@code m}, inside its namespace, as a new cluster. */
    List<String> memberCommand(Path etcd, LabHost m, Path dataDir) {
        String initialCluster = managers.stream().map(x -> x.name() + "=" + peerUrl(x)).collect(Collectors.joining(","));
        return List.of("ip", "netns", "exec", m.namespace(), etcd.toString(),
                "--name", m.name(),
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl(m),
                "--advertise-client-urls", clientUrl(m),
                "--listen-peer-urls", peerUrl(m),
                "--initial-advertise-peer-urls", peerUrl(m),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", lab,
                "--logger", "zap",
                "--log-outputs", "stderr");
    }

    /** What one round of {@code etcdctl} saw. */
    record Probe(Map<String, Boolean> healthByEndpoint, Map<String, String> nameByEndpoint, String leader,
                 boolean leaderAgreed, String problem) {

        boolean healthy(int expectedMembers) {
            return healthByEndpoint.size() == expectedMembers
                    && healthByEndpoint.values().stream().allMatch(Boolean::booleanValue)
                    && leaderAgreed && leader != null;
        }
    }

    /** Asks every member for its health, its view of the leader, and the member list. */
    Probe probe() {
        return probe(false);
    }

    /**
     * One round of questions. It stops after the health check when no member answers,
     * or with {@code untilUnhealthy} when any does not, since the other two questions
     * would only wait for the same timeouts again.
     */
    private Probe probe(boolean untilUnhealthy) {
        List<String> urls = clientUrls(managers);
        Map<String, Boolean> health = new HashMap<>();
        String problem = null;
        CommandRunner.Result h = etcdctl(urls, "endpoint", "health");
        for (JsonNode e : parse(h.stdout())) {
            boolean ok = e.path("health").asBoolean(false);
            health.put(e.path("endpoint").asText(), ok);
            if (!ok && problem == null) {
                problem = e.path("endpoint").asText() + ": " + e.path("error").asText("unhealthy");
            }
        }
        if (health.isEmpty()) {
            problem = "etcdctl endpoint health" + CommandRunner.firstLine(h.stderr(), ": ");
        }
        if (untilUnhealthy && problem != null || !health.containsValue(true)) {
            return new Probe(health, Map.of(), null, false, problem);
        }
        Map<String, String> idByEndpoint = new HashMap<>();
        Set<String> leaders = new HashSet<>();
        for (JsonNode e : parse(etcdctl(urls, "endpoint", "status").stdout())) {
            JsonNode s = e.path("Status");
            idByEndpoint.put(e.path("Endpoint").asText(), s.path("header").path("member_id").asText());
            leaders.add(s.path("leader").asText());
        }
        Map<String, String> nameById = new HashMap<>();
        Map<String, String> nameByEndpoint = new HashMap<>();
        JsonNode members = single(etcdctl(urls, "member", "list").stdout()).path("members");
        for (JsonNode m : members) {
            nameById.put(m.path("ID").asText(), m.path("name").asText());
            for (JsonNode url : m.path("clientURLs")) {
                nameByEndpoint.put(url.asText(), m.path("name").asText());
            }
        }
        leaders.remove("0");
        boolean agreed = leaders.size() == 1 && idByEndpoint.size() == urls.size();
        String leader = leaders.size() == 1 ? nameById.get(leaders.iterator().next()) : null;
        if (problem == null && !agreed) {
            problem = leaders.isEmpty() ? "no leader elected yet" : "members disagree on the leader";
        }
        return new Probe(health, nameByEndpoint, leader, agreed, problem);
    }

    /**
     * Waits until every member answers and all agree on one leader; fails fast when a
     * member's process exits, quoting the last line of its log.
     */
    Probe awaitHealthy(Duration timeout, List<StartedDaemon> members) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Probe last = null;
        while (true) {
            for (StartedDaemon d : members) {
                d.requireRunning("etcd member " + d.record().host());
            }
            last = probe(true);
            if (last.healthy(managers.size())) {
                return last;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new LabException("etcd did not become healthy within " + timeout.toSeconds() + "s ("
                        + last.problem() + ")");
            }
            sleep(300);
        }
    }

    private CommandRunner.Result etcdctl(List<String> urls, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", probeNamespace, etcdctl.toString(),
                "--endpoints", String.join(",", urls), "--dial-timeout", "500ms", "--command-timeout", "2s",
                "-w", "json"));
        argv.addAll(List.of(command));
        return runner.run(PROBE_TIMEOUT, argv);
    }

    private static JsonNode parse(String json) {
        JsonNode n = single(json);
        return n.isArray() ? n : JSON.createArrayNode();
    }

    private static JsonNode single(String json) {
        try {
            JsonNode n = json.isBlank() ? null : JSON.readTree(json);
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while waiting for the lab", e);
        }
    }
}
