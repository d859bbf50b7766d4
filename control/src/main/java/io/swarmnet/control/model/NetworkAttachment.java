package io.swarmnet.control.model;

import java.util.List;
import java.util.Objects;

/**
 * A service's place on one network, like {@code --network NAME,alias=A}.
 *
 * @param networkId the network
 * @param aliases   extra DNS names of the service on this network
 * @param vip       the service's virtual IP on this network for endpoint mode vip, null for dnsrr
 */
public record NetworkAttachment(String networkId, List<String> aliases, String vip) {
    public NetworkAttachment {
        Objects.requireNonNull(networkId, "networkId");
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }
}
