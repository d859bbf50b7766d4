package io.swarmnet.benchmarks.lab;

/** One figure a scenario measures, with its unit and which way is better. */
public record Metric(String name, String unit, boolean higherIsBetter) {
}
