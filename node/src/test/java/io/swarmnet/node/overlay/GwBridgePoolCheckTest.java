package io.swarmnet.node.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.model.Network;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which gwbridge pools the agent refuses next to which overlay subnets, and the line it says. */
class GwBridgePoolCheckTest {
    private static final List<Network> NETWORKS = List.of(network("ingress", "10.0.0.0/24"), network("app", "10.0.9.0/24"),
            network("big", "172.20.0.0/16"));

    private static Network network(String name, String subnet) {
        return new Network(Network.SCHEMA_VERSION, name + "-id", name, Network.DRIVER_OVERLAY, 4097, subnet,
                subnet.replace(".0/", ".1/").replaceAll("/.*", ""), 0, false, false, false, false, Map.of());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "172.18.0.0/16  | ",
            "10.0.1.0/24    | ",
            "10.0.9.128/25  | --gwbridge-pool 10.0.9.128/25 overlaps the subnet 10.0.9.0/24 of overlay network app; choose a pool outside every overlay subnet",
            "10.0.0.0/8     | --gwbridge-pool 10.0.0.0/8 overlaps the subnet 10.0.0.0/24 of overlay network ingress; choose a pool outside every overlay subnet",
            "172.20.5.0/24  | --gwbridge-pool 172.20.5.0/24 overlaps the subnet 172.20.0.0/16 of overlay network big; choose a pool outside every overlay subnet",
    })
    void refusesAPoolOverlappingAnyOverlaySubnet(String pool, String expected) {
        assertThat(GwBridgePoolCheck.conflict(pool, NETWORKS).orElse(null)).isEqualTo(expected);
    }
}
