package io.swarmnet.node.reconcile;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.network;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.on;
import static io.swarmnet.control.testing.ClusterRecords.service;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.control.model.Network;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AttachmentPlannerTest {
    private static final Path NETNS = Path.of("/run/netns/t1");

    /** front (MTU from the underlay), back (its own MTU 1300, internal), web on both, t1 here. */
    private static ClusterView view() {
        Network back = network("back", 4098, "10.0.8.0/23");
        back = new Network(back.version(), back.id(), back.name(), back.driver(), back.vni(), back.subnet(),
                back.gateway(), 1300, back.attachable(), true, back.ingress(), back.encrypted(), back.labels());
        return ClusterView.EMPTY.edit()
                .put(node("self", "192.0.2.11"), 1).alive("self", 1)
                .put(network("front", 4097, "10.0.9.0/24"), 1)
                .put(back, 1)
                .put(service("web", on("front", "10.0.9.2"), on("back", "10.0.8.2")), 1)
                .put(task("t1", "web", 3, "self", at("front", "10.0.9.3"), at("back", "10.0.8.3")), 1)
                .put(task("t2", "web", 4, "self", at("back", "10.0.8.4")), 1)
                .build(1);
    }

    @Test
    void namesInterfacesAsDockerDoesWithEachNetworksMtuAndAddress() {
        ClusterView view = view();

        AttachmentPlan plan = AttachmentPlanner.plan(view.task("t1").orElseThrow(), view, NETNS, 1500);

        assertThat(plan.name()).isEqualTo("web.3");
        assertThat(plan.netns()).isEqualTo(NETNS);
        assertThat(plan.egress()).isTrue();
        assertThat(plan.networkIds()).containsExactly("front", "back");
        assertThat(plan.interfaces()).containsExactly(
                new InterfacePlan("eth0", "front", "front", 4097, Ipv4Address.parse("10.0.9.3"), 24,
                        MacAddress.fromIpv4(Ipv4Address.parse("10.0.9.3")), 1450, AttachmentPlanner.tapName("t1", 4097)),
                new InterfacePlan("eth2", "back", "back", 4098, Ipv4Address.parse("10.0.8.3"), 23,
                        MacAddress.fromIpv4(Ipv4Address.parse("10.0.8.3")), 1300, AttachmentPlanner.tapName("t1", 4098)));
    }

    @Test
    void aTaskOnInternalNetworksOnlyGetsNoEgress() {
        ClusterView view = view();

        AttachmentPlan plan = AttachmentPlanner.plan(view.task("t2").orElseThrow(), view, NETNS, 1500);

        assertThat(plan.egress()).isFalse();
        assertThat(plan.interfaces()).extracting(InterfacePlan::name).containsExactly("eth0");
    }

    @Test
    void aNetworkMissingFromTheViewIsRefused() {
        ClusterView view = view().edit().put(task("t3", "web", 5, "self", at("gone", "10.0.7.3")), 2).build(2);

        assertThatThrownBy(() -> AttachmentPlanner.plan(view.task("t3").orElseThrow(), view, NETNS, 1500))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("network gone of task t3");
    }

    static Stream<Arguments> wanted() {
        return Stream.of(
                Arguments.of("t1", "self", true, Optional.empty()),
                Arguments.of("t9", "self", true, Optional.of("the task is gone")),
                Arguments.of("t1", "n2", true, Optional.of("the task moved to another node")),
                Arguments.of("t1", "self", false, Optional.of("its namespace /run/netns/t1 is gone")));
    }

    @ParameterizedTest
    @MethodSource("wanted")
    void saysWhyAnAttachmentIsNoLongerWanted(String taskId, String nodeId, boolean netnsExists, Optional<String> why) {
        assertThat(AttachmentPlanner.unwanted(taskId, NETNS, netnsExists, view(), nodeId)).isEqualTo(why);
    }
}
