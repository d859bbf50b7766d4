package io.swarmnet.benchmarks.lab;

import java.util.List;

/** A lab macro-benchmark: a topology need, the figures it measures and the variants compared. */
public interface Scenario {
    String name();

    String description();

    /** Manager hosts (etcd members) the scenario needs in the lab. */
    default int managers() {
        return 1;
    }

    /** Whether its lab hosts run their own dockerds (lab up without --no-docker); the others do without. */
    default boolean docker() {
        return false;
    }

    /** Worker hosts the scenario needs in the lab. */
    int workers();

    List<Metric> metrics();

    /** The variants, anchor first; the runner alternates them within each repetition. */
    List<Variant> variants();
}
