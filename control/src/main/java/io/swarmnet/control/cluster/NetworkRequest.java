package io.swarmnet.control.cluster;

import java.util.List;
import java.util.Objects;

/**
 * A network a service asks to join, as {@code --network NAME[,alias=A]} gives it.
 *
 * @param network a network's name, id or unique id prefix
 * @param aliases extra DNS names of the service on that network
 */
public record NetworkRequest(String network, List<String> aliases) {
    public NetworkRequest {
        Objects.requireNonNull(network, "network");
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }

    public static NetworkRequest of(String network) {
        return new NetworkRequest(network, List.of());
    }
}
