package io.swarmnet.benchmarks.lab.tasks;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Metric;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long ten tasks take to answer (issue #18: at most 1.2x the anchor). The anchor is
 * Docker alone: {@code docker run -d} of ten echo containers on Docker's bridge network,
 * spread over the lab's three hosts, until each answers HTTP on its bridge address. The
 * challenger is swarmnet: {@code swarmnet service create --replicas 10} of the same image on
 * an overlay, until every task has answered through the service's VIP from a probe task.
 * Both clocks start before the first command; swarmnet's includes its CLI's JVM start.
 * swarmnet's agents also say, per task, how long its network took to attach once its
 * sandbox ran: the scenario reports their p99 over the repetition.
 */
public final class TaskStartScenario implements Scenario {
    public static final String NAME = "task-start";
    static final int TASKS = 10;
    static final List<String> HOSTS = List.of("m1", "w1", "w2");
    static final String IMAGE = "swarmnet/echo:latest";
    static final Metric ALL_ANSWER = new Metric("all-answering-s", "s", false);
    static final Metric NETWORK_READY_P99 = new Metric("network-ready-p99-ms", "ms", false);
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "time until 10 echo tasks answer: docker run on Docker's bridge (anchor) against swarmnet service create"
                + " --replicas 10 on an overlay, each task answering through the VIP; and the p99 of each task's network"
                + " becoming ready after its sandbox started.";
    }

    @Override
    public boolean docker() {
        return true;
    }

    @Override
    public int workers() {
        return 2;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(ALL_ANSWER, NETWORK_READY_P99);
    }

    @Override
    public List<Variant> variants() {
        return List.of(new DockerRun(), new ServiceCreate());
    }

    static String socket(LabHosts lab, String host) {
        return "/run/swarmnet/lab/" + lab.name() + "/" + host + "/docker/docker.sock";
    }

    static String docker(LabHosts lab, String host, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", "unix://" + socket(lab, host)));
        argv.addAll(Arrays.asList(args));
        return lab.run(TIMEOUT, argv.toArray(String[]::new));
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The anchor: Docker's own containers on its bridge, started host by host in parallel. */
    static final class DockerRun implements Variant {
        @Override
        public String name() {
            return "docker run";
        }

        @Override
        public boolean anchor() {
            return true;
        }

        @Override
        public Set<String> unmeasured() {
            return Set.of(NETWORK_READY_P99.name());
        }

        @Override
        public void setUp(LabHosts lab) {
        }

        @Override
        public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(HOSTS.size());
            try {
                List<Future<List<String>>> started = new ArrayList<>();
                for (int h = 0; h < HOSTS.size(); h++) {
                    String host = HOSTS.get(h);
                    int first = h;
                    started.add(pool.submit(() -> {
                        List<String> ips = new ArrayList<>();
                        for (int i = first; i < TASKS; i += HOSTS.size()) {
                            String id = docker(lab, host, "run", "-d", "--label", "swarmnet.bench=task-start",
                                    "-e", "SWARMNET_TASK_NAME=echo." + (i + 1), IMAGE).strip();
                            ips.add(docker(lab, host, "inspect", "-f", "{{.NetworkSettings.IPAddress}}", id).strip());
                        }
                        // Each host's own answers, from its namespace, as a client of its bridge.
                        Set<String> answered = new HashSet<>();
                        while (answered.size() < ips.size()) {
                            for (String ip : ips) {
                                if (!answered.contains(ip) && answers(lab, host, "http://" + ip + "/")) {
                                    answered.add(ip);
                                }
                            }
                        }
                        return ips;
                    }));
                }
                for (Future<List<String>> f : started) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            return Map.of(ALL_ANSWER.name(), seconds(start));
        }

        private static boolean answers(LabHosts lab, String host, String url) {
            try {
                return !lab.exec(lab.namespace(host), Duration.ofSeconds(3), "curl", "-s", "--max-time", "1", url).isBlank();
            } catch (Exception e) {
                return false;
            }
        }

        @Override
        public void tearDown(LabHosts lab) throws Exception {
            for (String host : HOSTS) {
                String ids = docker(lab, host, "ps", "-aq", "--filter", "label=swarmnet.bench=task-start").strip();
                if (!ids.isEmpty()) {
                    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                    rm.addAll(ids.lines().toList());
                    docker(lab, host, rm.toArray(String[]::new));
                }
            }
        }
    }

    /** swarmnet: one service create through the CLI, the agents run the containers. */
    static final class ServiceCreate implements Variant {
        private static final Pattern READY = Pattern.compile("started task echo\\.[0-9]+ .* network ready ([0-9.]+) ms");
        private String probe;
        private String probeHost;

        @Override
        public String name() {
            return "swarmnet";
        }

        private static String cli(LabHosts lab, String... args) throws Exception {
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", lab.namespace("client"),
                    ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                    "io.swarmnet.cli.Main", "--store", "etcd://" + lab.address("m1") + ":2379"));
            argv.addAll(Arrays.asList(args));
            return lab.run(TIMEOUT, argv.toArray(String[]::new));
        }

        @Override
        public void setUp(LabHosts lab) throws Exception {
            if (!cli(lab, "network", "ls").contains("benchnet")) {
                cli(lab, "init");
                cli(lab, "network", "create", "--attachable", "benchnet");
            }
            // The probe: a task on the same overlay that asks the VIP, started before the clock.
            if (!cli(lab, "service", "ls").contains(" probe ")) {
                cli(lab, "service", "create", "--name", "probe", "--network", "benchnet", IMAGE);
            }
            probe = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (probe == null || probe.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the probe task did not start");
                }
                for (String host : HOSTS) {
                    String id = docker(lab, host, "ps", "-q", "--filter", "label=swarmnet.task.name=probe.1",
                            "--filter", "label=swarmnet.role=task").strip();
                    if (!id.isEmpty()) {
                        probe = id;
                        probeHost = host;
                    }
                }
                Thread.sleep(200);
            }
        }

        @Override
        public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
            Map<String, Long> logSizes = logSizes(lab);
            long start = System.nanoTime();
            cli(lab, "service", "create", "--name", "echo", "--replicas", Integer.toString(TASKS), "--network", "benchnet",
                    IMAGE);
            Set<String> answered = new HashSet<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (answered.size() < TASKS) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + answered + " answered through the VIP");
                }
                String out;
                try {
                    out = docker(lab, probeHost, "exec", probe, "sh", "-c",
                            "for i in 1 2 3 4 5 6 7 8 9 10; do timeout 1 wget -qO- http://echo/; done");
                } catch (Exception e) {
                    out = e.getMessage() == null ? "" : e.getMessage();
                }
                for (String line : out.split("\n")) {
                    if (line.startsWith("echo.")) {
                        answered.add(line.split(" ", 2)[0]);
                    }
                }
            }
            double all = seconds(start);
            return Map.of(ALL_ANSWER.name(), all, NETWORK_READY_P99.name(), networkReadyP99(lab, logSizes));
        }

        private static Map<String, Long> logSizes(LabHosts lab) throws Exception {
            Map<String, Long> sizes = new java.util.HashMap<>();
            for (String host : HOSTS) {
                Path log = agentLog(lab, host);
                sizes.put(host, Files.exists(log) ? Files.size(log) : 0L);
            }
            return sizes;
        }

        private static Path agentLog(LabHosts lab, String host) {
            return Path.of("/run/swarmnet/lab", lab.name(), host, "agent.log");
        }

        /** The p99 of the agents' "network ready" figures logged since {@code from}. */
        private static double networkReadyP99(LabHosts lab, Map<String, Long> from) throws Exception {
            List<Double> ms = new ArrayList<>();
            for (String host : HOSTS) {
                byte[] all = Files.readAllBytes(agentLog(lab, host));
                String since = new String(all, Math.toIntExact(Math.min(from.get(host), all.length)),
                        all.length - Math.toIntExact(Math.min(from.get(host), all.length)), java.nio.charset.StandardCharsets.UTF_8);
                Matcher m = READY.matcher(since);
                while (m.find()) {
                    ms.add(Double.parseDouble(m.group(1)));
                }
            }
            if (ms.isEmpty()) {
                return Double.NaN;
            }
            ms.sort(Double::compare);
            return ms.get(Math.min(ms.size() - 1, (int) Math.ceil(ms.size() * 0.99) - 1));
        }

        @Override
        public void tearDown(LabHosts lab) throws Exception {
            try {
                cli(lab, "service", "rm", "echo");
            } catch (Exception e) {
                // Not created: a failed measurement.
            }
            // The next repetition starts from hosts without the service's containers.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            for (String host : HOSTS) {
                while (docker(lab, host, "ps", "-a", "--format", "{{.Names}}").contains("echo.")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the echo containers on " + host + " were not removed");
                    }
                    Thread.sleep(200);
                }
            }
        }
    }
}
