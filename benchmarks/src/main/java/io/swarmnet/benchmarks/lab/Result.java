package io.swarmnet.benchmarks.lab;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every sample of one run of a scenario, and the summary rows derived from them. */
public final class Result {
    final Scenario scenario;
    final int repetitions;
    final int seconds;
    final Instant started;
    /** Seconds each variant ran once before the repetitions, not counted; 0 for none. */
    final int warmupSeconds;
    /** variant name -> metric name -> samples, in variant order. */
    final Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
    /** variant name -> why it did not run. */
    final Map<String, String> skipped = new LinkedHashMap<>();

    Result(Scenario scenario, int repetitions, int seconds, int warmupSeconds, Instant started) {
        this.scenario = scenario;
        this.repetitions = repetitions;
        this.seconds = seconds;
        this.warmupSeconds = warmupSeconds;
        this.started = started;
    }

    void add(String variant, Map<String, Double> measured) {
        Map<String, List<Double>> byMetric = samples.computeIfAbsent(variant, v -> new LinkedHashMap<>());
        Set<String> unmeasured = scenario.variants().stream().filter(v -> v.name().equals(variant)).findFirst()
                .map(Variant::unmeasured).orElse(Set.of());
        for (Metric m : scenario.metrics()) {
            Double value = measured.get(m.name());
            if (value == null && unmeasured.contains(m.name())) {
                continue;
            }
            if (value == null) {
                throw new IllegalStateException(variant + " did not report " + m.name());
            }
            byMetric.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(value);
        }
    }

    public Stats stats(String variant, String metric) {
        Map<String, List<Double>> byMetric = samples.get(variant);
        return byMetric == null || byMetric.get(metric) == null ? null : Stats.of(byMetric.get(metric));
    }

    /** The variant every ratio and difference is of: another challenger (nftables beside HAProxy) is shown, not divided. */
    static final String SUBJECT = "swarmnet";

    /** swarmnet's median over the anchor's, or null when either side has no samples. */
    public Double ratio(String metric) {
        Stats[] pair = subjectAndAnchor(metric);
        return pair == null || pair[1].median() == 0 ? null : pair[0].median() / pair[1].median();
    }

    /** swarmnet's median minus the anchor's, or null when either side has no samples. */
    public Double difference(String metric) {
        Stats[] pair = subjectAndAnchor(metric);
        return pair == null ? null : pair[0].median() - pair[1].median();
    }

    /** {swarmnet's stats, the anchor's} of {@code metric}, or null when either has no samples. */
    private Stats[] subjectAndAnchor(String metric) {
        Stats subject = null;
        Stats anchor = null;
        for (Variant v : scenario.variants()) {
            if (v.anchor()) {
                anchor = stats(v.name(), metric);
            } else if (v.name().equals(SUBJECT)) {
                subject = stats(v.name(), metric);
            }
        }
        return subject == null || anchor == null ? null : new Stats[] {subject, anchor};
    }

    public Scenario scenario() {
        return scenario;
    }

    public Map<String, String> skipped() {
        return skipped;
    }
}
