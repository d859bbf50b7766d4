package io.swarmnet.benchmarks.lab.control;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the writer's commit lines and every watcher's seen lines into latency figures:
 * for each change, the time from the writer sending its commit until the last watcher has
 * it in its tables, then the p50, p99 and maximum over all changes.
 */
final class CommitLatency {
    static final String P50 = "p50";
    static final String P99 = "p99";
    static final String MAX = "max";
    static final String COMMIT_P50 = "commit-p50";

    private CommitLatency() {
    }

    /**
     * @param commits  {@code commit TASK SENT ACKED REVISION} lines, one per change
     * @param watchers per watcher (by name), its {@code seen TASK NANOS} lines
     * @throws IllegalStateException naming the watcher and change when a watcher never saw one
     */
    static Map<String, Double> of(List<String> commits, Map<String, List<String>> watchers) {
        Map<String, Map<String, Long>> seen = new HashMap<>();
        watchers.forEach((name, lines) -> {
            Map<String, Long> first = new HashMap<>();
            for (String line : lines) {
                String[] f = line.split(" ");
                first.putIfAbsent(f[1], Long.parseLong(f[2]));
            }
            seen.put(name, first);
        });
        double[] latency = new double[commits.size()];
        double[] commit = new double[commits.size()];
        for (int i = 0; i < commits.size(); i++) {
            String[] f = commits.get(i).split(" ");
            String task = f[1];
            long sent = Long.parseLong(f[2]);
            long acked = Long.parseLong(f[3]);
            long last = Long.MIN_VALUE;
            for (Map.Entry<String, Map<String, Long>> w : seen.entrySet()) {
                Long at = w.getValue().get(task);
                if (at == null) {
                    throw new IllegalStateException(w.getKey() + " never saw " + task);
                }
                last = Math.max(last, at);
            }
            latency[i] = (last - sent) / 1e6;
            commit[i] = (acked - sent) / 1e6;
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put(P50, percentile(latency, 50));
        figures.put(P99, percentile(latency, 99));
        figures.put(MAX, percentile(latency, 100));
        figures.put(COMMIT_P50, percentile(commit, 50));
        return figures;
    }

    /** The nearest-rank percentile: the smallest value with at least {@code p} % of the sample at or below it. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
