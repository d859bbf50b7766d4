package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * Whether the scheduler may place tasks on a node, as in {@code docker node update
 * --availability}: active takes new tasks, pause keeps its tasks but takes no new ones,
 * drain moves its tasks away.
 */
public enum NodeAvailability {
    @JsonProperty("active") ACTIVE,
    @JsonProperty("pause") PAUSE,
    @JsonProperty("drain") DRAIN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
