package io.swarmnet.benchmarks.lab.control;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One side of {@link ControlLatencyScenario}: a {@link TablesProbe} per lab host in the
 * given mode, and a {@link ChangeWriter} in the client namespace per measurement.
 */
final class WatchVariant implements Variant {
    private static final Duration START = Duration.ofSeconds(60);
    private static final int ETCD_PORT = 2379;

    private final String name;
    private final boolean anchor;
    private final String mode;
    private final List<String> hosts;
    private final int changes;
    private final int warmup;
    private final int paceMillis;
    private final AtomicInteger runs = new AtomicInteger();
    private final Map<String, LabProcess> probes = new LinkedHashMap<>();

    WatchVariant(String name, boolean anchor, String mode, List<String> hosts, int warmup, int changes, int paceMillis) {
        this.name = name;
        this.anchor = anchor;
        this.mode = mode;
        this.hosts = List.copyOf(hosts);
        this.changes = changes;
        this.warmup = warmup;
        this.paceMillis = paceMillis;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean anchor() {
        return anchor;
    }

    static String storeUrl(LabHosts lab, List<String> hosts) {
        return "etcd://" + hosts.stream().filter(h -> h.startsWith("m"))
                .map(h -> lab.address(h) + ":" + ETCD_PORT).collect(Collectors.joining(","));
    }

    @Override
    public void setUp(LabHosts lab) throws Exception {
        String store = storeUrl(lab, hosts);
        for (String host : hosts) {
            probes.put(host, LabProcess.java(lab.namespace(host), TablesProbe.class,
                    List.of("--store", store, "--address", lab.address(host), "--mode", mode)));
        }
        for (LabProcess p : probes.values()) {
            p.await("ready", START);
        }
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        String run = name + "-" + runs.incrementAndGet();
        List<String> commits;
        try (LabProcess writer = LabProcess.java(lab.namespace("client"), ChangeWriter.class,
                List.of("--store", storeUrl(lab, hosts), "--run", run, "--count", Integer.toString(changes),
                        "--warmup", Integer.toString(warmup), "--pace-ms", Integer.toString(paceMillis)))) {
            writer.await("done", Duration.ofMillis(START.toMillis() + (long) (warmup + changes) * (paceMillis + 200)));
            commits = writer.lines("commit");
        }
        String last = BenchRecords.changeId(run, warmup + changes);
        Map<String, List<String>> seen = new LinkedHashMap<>();
        for (Map.Entry<String, LabProcess> p : probes.entrySet()) {
            awaitSeen(p.getValue(), last);
            seen.put(p.getKey(), p.getValue().lines("seen"));
        }
        return CommitLatency.of(commits, seen);
    }

    private static void awaitSeen(LabProcess probe, String task) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (probe.lines("seen").stream().noneMatch(l -> l.startsWith("seen " + task + " "))) {
            if (System.nanoTime() > deadline) {
                throw new IOException(probe.describe() + " did not see " + task + " within 30 s");
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void tearDown(LabHosts lab) throws Exception {
        List<Exception> failures = new ArrayList<>();
        for (LabProcess p : probes.values()) {
            try {
                p.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(e);
            }
        }
        probes.clear();
        try (LabProcess cleanup = LabProcess.java(lab.namespace("client"), ChangeWriter.class,
                List.of("--store", storeUrl(lab, hosts), "--cleanup"))) {
            cleanup.await("cleaned", START);
        } catch (IOException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }
}
