package io.swarmnet.node.web;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The few counters the cluster view shows, summed out of a Prometheus text exposition:
 * per metric name, per value of one label of that metric (the network of an overlay
 * counter, say), and in total.
 *
 * <p>Reads only {@code name{labels} value} sample lines and skips everything else, so a
 * peer running another version, or a truncated answer, yields fewer figures, not an error.
 */
final class MetricSamples {
    /** The key under which a metric's samples without the grouping label are summed. */
    static final String TOTAL = "";

    private final Map<String, Map<String, Double>> sums;

    private MetricSamples(Map<String, Map<String, Double>> sums) {
        this.sums = sums;
    }

    static MetricSamples empty() {
        return new MetricSamples(Map.of());
    }

    /**
     * Parses {@code text}, keeping the metrics that {@code groupLabels} names, each summed
     * by the value of its grouping label and into {@link #TOTAL}.
     */
    static MetricSamples parse(String text, Map<String, String> groupLabels) {
        Map<String, Map<String, Double>> sums = new HashMap<>();
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                end = text.length();
            }
            parseLine(text, at, end, groupLabels, sums);
            at = end + 1;
        }
        return new MetricSamples(sums);
    }

    private static void parseLine(String text, int from, int to, Map<String, String> groupLabels,
                                  Map<String, Map<String, Double>> sums) {
        if (from >= to || text.charAt(from) == '#') {
            return;
        }
        int nameEnd = from;
        while (nameEnd < to && text.charAt(nameEnd) != '{' && text.charAt(nameEnd) != ' ') {
            nameEnd++;
        }
        String name = text.substring(from, nameEnd);
        String groupLabel = groupLabels.get(name);
        if (groupLabel == null) {
            return;
        }
        String group = null;
        int valueFrom = nameEnd;
        if (nameEnd < to && text.charAt(nameEnd) == '{') {
            int close = text.indexOf('}', nameEnd);
            if (close < 0 || close > to) {
                return;
            }
            group = labelValue(text.substring(nameEnd + 1, close), groupLabel);
            valueFrom = close + 1;
        }
        String[] rest = text.substring(valueFrom, to).trim().split(" ");
        double value;
        try {
            value = Double.parseDouble(rest[0]);
        } catch (NumberFormatException e) {
            return;
        }
        if (Double.isNaN(value)) {
            return;
        }
        Map<String, Double> byGroup = sums.computeIfAbsent(name, n -> new HashMap<>());
        byGroup.merge(TOTAL, value, Double::sum);
        if (group != null) {
            byGroup.merge(group, value, Double::sum);
        }
    }

    /** The value of {@code label} in {@code a="x",b="y"}, or null; values with escapes are read as written. */
    private static String labelValue(String labels, String label) {
        String key = label + "=\"";
        int at = labels.startsWith(key) ? 0 : labels.indexOf("," + key);
        if (at < 0) {
            return null;
        }
        int from = at + (at == 0 ? 0 : 1) + key.length();
        int end = labels.indexOf('"', from);
        return end < 0 ? null : labels.substring(from, end);
    }

    /** The sum of {@code name} over samples whose grouping label is {@code group} ({@link #TOTAL}: all). */
    double sum(String name, String group) {
        return sums.getOrDefault(name, Map.of()).getOrDefault(group, 0.0);
    }

    /** The grouping-label values seen for {@code name}, {@link #TOTAL} included. */
    Set<String> groups(String name) {
        return sums.getOrDefault(name, Map.of()).keySet();
    }
}
