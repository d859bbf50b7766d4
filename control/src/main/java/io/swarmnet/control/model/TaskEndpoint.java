package io.swarmnet.control.model;

import java.util.Objects;

/**
 * A task's interface on one overlay network.
 *
 * @param networkId the network
 * @param ip        the task's IPv4 address on it
 * @param mac       {@code 02:42:} followed by the four bytes of {@code ip}, as Docker derives it
 */
public record TaskEndpoint(String networkId, String ip, String mac) {
    public TaskEndpoint {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mac, "mac");
    }
}
