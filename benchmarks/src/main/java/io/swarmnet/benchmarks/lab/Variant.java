package io.swarmnet.benchmarks.lab;

import java.util.Map;

/**
 * One side of a scenario: swarmnet itself or the anchor it is measured against. The
 * runner calls {@link #setUp} before every measurement and {@link #tearDown} after it,
 * so variants that need the same port (the agent's VTEP and a kernel vxlan device both
 * want UDP 4789) can alternate on one lab.
 */
public interface Variant {
    String name();

    /** True for the reference the ratio divides by; the challengers are not. */
    default boolean anchor() {
        return false;
    }

    /** The names of the scenario's metrics this variant has no figure for (the anchor has no agent to ask). */
    default java.util.Set<String> unmeasured() {
        return java.util.Set.of();
    }

    /** Why this variant cannot run yet (e.g. the feature lands with a later issue), or null. */
    default String unavailableReason() {
        return null;
    }

    void setUp(LabHosts lab) throws Exception;

    /** Runs one measurement of {@code seconds} and returns a value for each of the scenario's metrics. */
    Map<String, Double> measure(LabHosts lab, int seconds) throws Exception;

    /** Removes what {@link #setUp} made; must succeed after a partial set-up too. */
    void tearDown(LabHosts lab) throws Exception;
}
