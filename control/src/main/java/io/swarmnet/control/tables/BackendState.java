package io.swarmnet.control.tables;

/** Whether a backend takes new flows (active) or only finishes the ones it has (draining). */
public enum BackendState {
    ACTIVE,
    DRAINING
}
