package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * How the agents pick the backend of a new flow to a service's VIP: round-robin (the
 * default, as Docker's IPVS), weighted round-robin, or Maglev consistent hashing of the
 * client's address and port.
 */
public enum LbScheduler {
    @JsonProperty("rr") RR,
    @JsonProperty("wrr") WRR,
    @JsonProperty("maglev") MAGLEV;

    /** The lowercase name used in JSON and the CLI. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code rr}, {@code wrr} or {@code maglev}, any case. */
    public static LbScheduler parse(String text) {
        for (LbScheduler s : values()) {
            if (s.label().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("invalid scheduler '" + text + "': expected rr, wrr or maglev");
    }
}
