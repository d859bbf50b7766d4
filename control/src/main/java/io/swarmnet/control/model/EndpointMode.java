package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** How a service is reached: vip gives it one virtual IP per network, balanced by the agents; dnsrr returns task IPs from DNS. */
public enum EndpointMode {
    @JsonProperty("vip") VIP,
    @JsonProperty("dnsrr") DNSRR;

    /** The lowercase name used in JSON and the CLI. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
