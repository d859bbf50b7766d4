package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Replicated services run a set number of tasks; global services one task per node. */
public enum ServiceMode {
    @JsonProperty("replicated") REPLICATED,
    @JsonProperty("global") GLOBAL;

    /** The lowercase name used in JSON and the CLI. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
