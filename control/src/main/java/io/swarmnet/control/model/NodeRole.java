package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** What a node is to the cluster: a manager runs an etcd member, a worker only the agent. */
public enum NodeRole {
    @JsonProperty("manager") MANAGER,
    @JsonProperty("worker") WORKER;

    /** The lowercase name used in JSON, metrics labels and the CLI. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
