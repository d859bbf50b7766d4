package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Transport protocol of a published port. */
public enum PortProtocol {
    @JsonProperty("tcp") TCP,
    @JsonProperty("udp") UDP;

    /** The lowercase name used in JSON and the CLI. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
