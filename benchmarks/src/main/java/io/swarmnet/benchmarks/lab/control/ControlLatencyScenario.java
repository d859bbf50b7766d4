package io.swarmnet.benchmarks.lab.control;

import io.swarmnet.benchmarks.lab.Metric;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.List;

/**
 * Latency from an etcd commit to the change being visible to every node, on a lab of 3
 * managers (a 3-member etcd) and 2 workers: a writer in the client namespace commits
 * {@value #WARMUP} warm-up changes (so the watchers' JIT compilers are done, as in an
 * agent that has run for a while), then {@value #CHANGES} measured ones (a new backend
 * task of a service each, {@value #PACE_MILLIS} ms apart); a watcher in each of the 5
 * host namespaces stamps when it has the change. swarmnet's side is the thin client
 * (watch, view, desired tables published); the anchor is a bare etcd watch on the same
 * connection code, the floor any client of etcd pays.
 *
 * <p>{@code --seconds} does not apply: a measurement is always {@link #CHANGES} changes.
 */
public final class ControlLatencyScenario implements Scenario {
    public static final String NAME = "control-latency";
    static final int CHANGES = 200;
    static final int WARMUP = 500;
    static final int PACE_MILLIS = 20;
    private static final List<String> HOSTS = List.of("m1", "m2", "m3", "w1", "w2");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "etcd commit -> change in every node's desired tables (" + CHANGES + " changes, 3 managers + 2 workers);"
                + " anchor: a bare etcd watch.";
    }

    @Override
    public int managers() {
        return 3;
    }

    @Override
    public int workers() {
        return 2;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric(CommitLatency.P50, "ms", false), new Metric(CommitLatency.P99, "ms", false),
                new Metric(CommitLatency.MAX, "ms", false), new Metric(CommitLatency.COMMIT_P50, "ms", false));
    }

    @Override
    public List<Variant> variants() {
        return List.of(new WatchVariant("etcd-watch", true, "etcd", HOSTS, WARMUP, CHANGES, PACE_MILLIS),
                new WatchVariant("swarmnet", false, "tables", HOSTS, WARMUP, CHANGES, PACE_MILLIS));
    }
}
