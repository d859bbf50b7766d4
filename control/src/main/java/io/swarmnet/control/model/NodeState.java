package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * Whether a node's agent is up: ready while its liveness lease lives in the store, down
 * once the lease is revoked (clean stop) or expires (crash, partition). Derived, never stored.
 */
public enum NodeState {
    @JsonProperty("ready") READY,
    @JsonProperty("down") DOWN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
