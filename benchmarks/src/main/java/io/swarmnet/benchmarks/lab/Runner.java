package io.swarmnet.benchmarks.lab;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs a scenario's variants alternately on one lab: repetition i starts with variant
 * i mod n, so slow drift of a shared machine (thermal, other tenants) falls on both
 * sides instead of on whichever ran last.
 */
public final class Runner {
    private final PrintStream log;

    public Runner(PrintStream log) {
        this.log = log;
    }

    public Result run(Scenario scenario, LabHosts lab, int repetitions, int seconds) throws Exception {
        return run(scenario, lab, repetitions, seconds, Set.of(), 0);
    }

    /**
     * Like {@link #run(Scenario, LabHosts, int, int)}, with only the variants named in
     * {@code only} (all when empty), each first run once for {@code warmupSeconds} (0: not
     * at all) and that run not counted: the agents' and Java backends' JIT, ARP and route
     * caches, the first connections' costs would otherwise fall on whichever variant runs
     * first (seen here: swarmnet's first overlay repetition ~20% low, HAProxy's first
     * keep-alive run 5.9k against 27k requests/s later).
     */
    public Result run(Scenario scenario, LabHosts lab, int repetitions, int seconds, Set<String> only,
                      int warmupSeconds) throws Exception {
        if (repetitions < 1 || seconds < 1 || warmupSeconds < 0) {
            throw new IllegalArgumentException("repetitions and seconds must be at least 1, warm-up at least 0");
        }
        Result result = new Result(scenario, repetitions, seconds, warmupSeconds, Instant.now());
        List<Variant> runnable = new ArrayList<>();
        for (Variant v : scenario.variants()) {
            if (!only.isEmpty() && !only.contains(v.name())) {
                result.skipped.put(v.name(), "not selected (--variants)");
                log.printf("%s: not selected%n", v.name());
            } else if (v.unavailableReason() == null) {
                runnable.add(v);
            } else {
                result.skipped.put(v.name(), v.unavailableReason());
                log.printf("%s: skipped (%s)%n", v.name(), v.unavailableReason());
            }
        }
        if (warmupSeconds > 0) {
            for (Variant v : runnable) {
                try {
                    v.setUp(lab);
                    log.printf("warm-up  %-14s %s (not counted)%n", v.name(), v.measure(lab, warmupSeconds));
                } finally {
                    v.tearDown(lab);
                }
            }
        }
        for (int rep = 0; rep < repetitions; rep++) {
            for (int k = 0; k < runnable.size(); k++) {
                Variant v = runnable.get((rep + k) % runnable.size());
                try {
                    v.setUp(lab);
                    var measured = v.measure(lab, seconds);
                    result.add(v.name(), measured);
                    log.printf("rep %d/%d %-14s %s%n", rep + 1, repetitions, v.name(), measured);
                } finally {
                    v.tearDown(lab);
                }
            }
        }
        return result;
    }
}
