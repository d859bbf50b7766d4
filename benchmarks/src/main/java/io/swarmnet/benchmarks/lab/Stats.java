package io.swarmnet.benchmarks.lab;

import java.util.Arrays;
import java.util.List;

/** Median, minimum and maximum of a sample; the median is what ratios are taken of. */
public record Stats(int n, double median, double min, double max) {

    public static Stats of(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] v = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int mid = v.length / 2;
        double median = v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
        return new Stats(v.length, median, v[0], v[v.length - 1]);
    }
}
