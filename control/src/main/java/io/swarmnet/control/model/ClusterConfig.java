package io.swarmnet.control.model;

import java.util.List;

/**
 * The cluster-wide allocation settings that {@code swarmnet init} records under
 * {@code /swarmnet/v1/alloc/cluster}, like {@code docker swarm init
 * --default-addr-pool 10.0.0.0/8 --default-addr-pool-mask-length 24}.
 *
 * @param version           the record's schema version, {@link #SCHEMA_VERSION} when written by this code
 * @param defaultAddrPools  the CIDR pools overlay subnets are carved from when no {@code --subnet} is given
 * @param subnetSize        the prefix length of each carved subnet
 * @param createdAt         when the cluster was initialized, ISO-8601 UTC
 */
public record ClusterConfig(int version, List<String> defaultAddrPools, int subnetSize, String createdAt) {
    public static final int SCHEMA_VERSION = 1;
    public static final String DEFAULT_POOL = "10.0.0.0/8";
    public static final int DEFAULT_SUBNET_SIZE = 24;

    public ClusterConfig {
        defaultAddrPools = defaultAddrPools == null || defaultAddrPools.isEmpty() ? List.of(DEFAULT_POOL) : List.copyOf(defaultAddrPools);
        if (subnetSize == 0) {
            subnetSize = DEFAULT_SUBNET_SIZE;
        }
    }

    /** The settings of a cluster nobody initialized: Docker's defaults. */
    public static ClusterConfig defaults() {
        return new ClusterConfig(SCHEMA_VERSION, List.of(DEFAULT_POOL), DEFAULT_SUBNET_SIZE, null);
    }
}
