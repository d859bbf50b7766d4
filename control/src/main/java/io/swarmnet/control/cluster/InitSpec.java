package io.swarmnet.control.cluster;

import io.swarmnet.control.model.ClusterConfig;
import java.util.List;

/**
 * What {@code swarmnet init} sets up, with Docker's defaults.
 *
 * @param ingressSubnet    the ingress network's subnet, 10.0.0.0/24 by default
 * @param defaultAddrPools the pools later networks' subnets come from, 10.0.0.0/8 by default
 * @param subnetSize       the prefix length of those subnets, 24 by default
 */
public record InitSpec(String ingressSubnet, List<String> defaultAddrPools, int subnetSize) {
    public static final String DEFAULT_INGRESS_SUBNET = "10.0.0.0/24";
    public static final String INGRESS_NAME = "ingress";

    public InitSpec {
        ingressSubnet = ingressSubnet == null ? DEFAULT_INGRESS_SUBNET : ingressSubnet;
        defaultAddrPools = defaultAddrPools == null || defaultAddrPools.isEmpty()
                ? List.of(ClusterConfig.DEFAULT_POOL) : List.copyOf(defaultAddrPools);
        subnetSize = subnetSize == 0 ? ClusterConfig.DEFAULT_SUBNET_SIZE : subnetSize;
    }

    public static InitSpec defaults() {
        return new InitSpec(null, null, 0);
    }
}
