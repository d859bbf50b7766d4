package io.swarmnet.node.web;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.draining;
import static io.swarmnet.control.testing.ClusterRecords.network;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.on;
import static io.swarmnet.control.testing.ClusterRecords.port;
import static io.swarmnet.control.testing.ClusterRecords.service;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.view.ClusterView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterStateTest {
    private static final ClusterView VIEW = ClusterView.EMPTY.edit()
            .put(node("n2", "192.0.2.22"), 2)
            .put(node("n1", "192.0.2.21"), 2)
            .alive("n1", 3)
            .put(network("web_net", 4097, "10.0.9.0/24"), 4)
            .put(service("web", EndpointMode.VIP, List.of(port(8000, 80, PublishMode.INGRESS)), on("web_net", "10.0.9.2")), 5)
            .put(task("t1", "web", 1, "n1", at("web_net", "10.0.9.3")), 6)
            .put(draining(task("t2", "web", 2, "n2", at("web_net", "10.0.9.4"))), 7)
            .build(7);

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> state, String key) {
        return (List<Map<String, Object>>) state.get(key);
    }

    @Test
    void everyTaskIsDrawnOnItsNodeWithItsAddresses() {
        Map<String, Object> state = ClusterState.of(VIEW, "n1", Map.of());

        List<Map<String, Object>> nodes = list(state, "nodes");
        assertThat(nodes).extracting(n -> n.get("hostname")).containsExactly("host-n1", "host-n2");
        Map<String, Object> n1 = nodes.get(0);
        assertThat(n1.get("state")).isEqualTo("ready");
        assertThat(list(n1, "tasks")).singleElement().satisfies(t -> {
            assertThat(t.get("name")).isEqualTo("web.1");
            assertThat(t.get("addresses")).isEqualTo(List.of("web_net 10.0.9.3"));
        });
        Map<String, Object> n2 = nodes.get(1);
        assertThat(n2.get("state")).isEqualTo("down");
        assertThat(list(n2, "tasks")).singleElement().satisfies(t -> {
            assertThat(t.get("name")).isEqualTo("web.2");
            assertThat(t.get("state")).isEqualTo("draining");
        });
    }

    @Test
    void servicesShowTheirVipsAndPublishedPorts() {
        Map<String, Object> web = list(ClusterState.of(VIEW, "n1", Map.of()), "services").get(0);

        assertThat(web.get("vips")).isEqualTo(List.of("web_net 10.0.9.2"));
        assertThat(web.get("ports")).isEqualTo(List.of("8000->80/tcp ingress"));
        assertThat(web.get("tasks")).isEqualTo(2);
        assertThat(web.get("newFlowsPerSecond")).as("no node reported flows").isNull();
    }

    @Test
    void ratesAreSummedOverNodesPerNetworkAndService() {
        Map<String, TrafficPoller.NodeRates> rates = Map.of(
                "n1", new TrafficPoller.NodeRates(10, 20, Map.of("web_net", 30.0), Map.of("web", 2.0)),
                "n2", new TrafficPoller.NodeRates(1, 2, Map.of("web_net", 3.0), Map.of("web", 0.5)));

        Map<String, Object> state = ClusterState.of(VIEW, "n1", rates);

        assertThat(list(state, "nodes").get(0).get("txBytesPerSecond")).isEqualTo(20.0);
        assertThat(list(state, "networks").get(0).get("bytesPerSecond")).isEqualTo(33.0);
        assertThat(list(state, "services").get(0).get("newFlowsPerSecond")).isEqualTo(2.5);
    }

    @Test
    void aNodeNotPolledYetHasNoRatesRatherThanZero() {
        assertThat(list(ClusterState.of(VIEW, "n1", Map.of()), "nodes").get(0).get("rxBytesPerSecond")).isNull();
    }
}
