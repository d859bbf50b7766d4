package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Running tasks take new flows; draining tasks finish open flows and take no new ones. */
public enum TaskState {
    @JsonProperty("running") RUNNING,
    @JsonProperty("draining") DRAINING;

    /** The lowercase name used in JSON and the CLI. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
