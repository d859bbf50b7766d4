package io.swarmnet.lb.table;

/** Whether a backend takes new flows (active) or only keeps the flows it has (draining). */
public enum BackendState {
    ACTIVE,
    DRAINING
}
