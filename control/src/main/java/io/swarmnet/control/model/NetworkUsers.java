package io.swarmnet.control.model;

import java.util.List;

/**
 * The value of {@code /swarmnet/v1/alloc/network-users/<network-id>}: the services attached
 * to a network. Every attach and detach rewrites it, and removing the network requires it
 * unchanged and empty, so a network is never removed under a service being attached.
 *
 * @param version  the record's schema version, {@link #SCHEMA_VERSION} when written by this code
 * @param services the ids of the attached services, sorted
 */
public record NetworkUsers(int version, List<String> services) {
    public static final int SCHEMA_VERSION = 1;

    public NetworkUsers {
        services = services == null ? List.of() : services.stream().sorted().distinct().toList();
    }

    public static NetworkUsers none() {
        return new NetworkUsers(SCHEMA_VERSION, List.of());
    }
}
