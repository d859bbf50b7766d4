package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** How a port is published: ingress answers on every node (the routing mesh), host only on nodes running a task. */
public enum PublishMode {
    @JsonProperty("ingress") INGRESS,
    @JsonProperty("host") HOST;

    /** The lowercase name used in JSON and the CLI. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
