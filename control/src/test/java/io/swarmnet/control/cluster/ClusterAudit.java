package io.swarmnet.control.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkAttachment;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.model.PublishedPort;
import io.swarmnet.control.model.Reservation;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.node.NodeStatus;
import io.swarmnet.control.store.Keys;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;
import io.swarmnet.packet.MacAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a cluster snapshot for what allocation promises: nothing handed out twice (VNIs,
 * overlapping subnets, addresses, MACs, ports), and exactly the reservation keys that the
 * records call for, each naming its holder.
 */
final class ClusterAudit {

    private ClusterAudit() {
    }

    static void assertConsistent(ClusterSnapshot snap) {
        Map<String, Reservation> expected = new HashMap<>();
        Set<Integer> vnis = new HashSet<>();
        List<Ipv4Subnet> subnets = new ArrayList<>();
        for (Network n : snap.networks()) {
            assertThat(vnis.add(n.vni())).as("VNI %d handed out twice", n.vni()).isTrue();
            assertThat(n.vni()).isBetween(4096, 0xFFFFFF);
            Ipv4Subnet s = Ipv4Subnet.parse(n.subnet());
            for (Ipv4Subnet other : subnets) {
                assertThat(s.overlaps(other)).as("subnet %s overlaps %s", s, other).isFalse();
            }
            subnets.add(s);
            expected.put(AllocKeys.networkName(n.name()), Reservation.of(Reservation.NETWORK, n.id()));
            expected.put(AllocKeys.vni(n.vni()), Reservation.of(Reservation.NETWORK, n.id()));
            expected.put(AllocKeys.subnet(s), Reservation.of(Reservation.NETWORK, n.id()));
            expected.put(AllocKeys.networkUsers(n.id()), null);
            expected.put(AllocKeys.ip(n.id(), Ipv4Address.parse(n.gateway())), Reservation.of(Reservation.GATEWAY, n.id()));
            if (n.ingress()) {
                expected.put(AllocKeys.INGRESS, Reservation.of(Reservation.NETWORK, n.id()));
            }
        }
        Map<String, Set<String>> addressesPerNetwork = new HashMap<>();
        Map<String, Set<String>> macsPerNetwork = new HashMap<>();
        Set<String> ingressPorts = new HashSet<>();
        for (Service s : snap.services()) {
            expected.put(AllocKeys.serviceName(s.name()), Reservation.of(Reservation.SERVICE, s.id()));
            expected.put(AllocKeys.serviceTasks(s.id()), null);
            for (NetworkAttachment a : s.networks()) {
                Network n = snap.networkById(a.networkId()).orElseThrow();
                if (a.vip() != null) {
                    assertThat(Ipv4Subnet.parse(n.subnet()).contains(Ipv4Address.parse(a.vip()))).isTrue();
                    claim(addressesPerNetwork, n, a.vip());
                    expected.put(AllocKeys.ip(n.id(), Ipv4Address.parse(a.vip())), Reservation.of(Reservation.VIP, s.id()));
                }
            }
            for (PublishedPort p : s.ports()) {
                if (p.mode() == PublishMode.INGRESS) {
                    assertThat(ingressPorts.add(p.protocol() + "/" + p.published()))
                            .as("ingress port %d/%s published twice", p.published(), p.protocol()).isTrue();
                    expected.put(AllocKeys.ingressPort(p.protocol(), p.published()), Reservation.of(Reservation.SERVICE, s.id()));
                }
            }
        }
        Set<String> hostPorts = new HashSet<>();
        for (Task t : snap.tasks()) {
            Service s = snap.serviceById(t.serviceId()).orElseThrow(() -> new AssertionError("task " + t.id() + " has no service"));
            assertThat(t.endpoints()).extracting(TaskEndpoint::networkId)
                    .containsExactlyElementsOf(s.networks().stream().map(NetworkAttachment::networkId).toList());
            for (TaskEndpoint e : t.endpoints()) {
                Network n = snap.networkById(e.networkId()).orElseThrow();
                assertThat(Ipv4Subnet.parse(n.subnet()).contains(Ipv4Address.parse(e.ip()))).isTrue();
                assertThat(e.mac()).isEqualTo(MacAddress.toString(MacAddress.fromIpv4(Ipv4Address.parse(e.ip()))));
                claim(addressesPerNetwork, n, e.ip());
                assertThat(macsPerNetwork.computeIfAbsent(n.id(), k -> new HashSet<>()).add(e.mac()))
                        .as("MAC %s handed out twice", e.mac()).isTrue();
                expected.put(AllocKeys.ip(n.id(), Ipv4Address.parse(e.ip())), Reservation.ofTask(t.id(), s.id()));
            }
            for (PublishedPort p : s.ports()) {
                if (p.mode() == PublishMode.HOST) {
                    assertThat(hostPorts.add(t.nodeId() + "/" + p.protocol() + "/" + p.published()))
                            .as("host port %d/%s published twice on node %s", p.published(), p.protocol(), t.nodeId()).isTrue();
                    assertThat(ingressPorts).doesNotContain(p.protocol() + "/" + p.published());
                    expected.put(AllocKeys.hostPort(t.nodeId(), p.protocol(), p.published()), Reservation.ofTask(t.id(), s.id()));
                }
            }
        }
        for (NodeStatus status : snap.nodes()) {
            TaskEndpoint e = status.node().ingress();
            Network n = e == null ? null : snap.networkById(e.networkId()).orElse(null);
            if (n != null) {
                claim(addressesPerNetwork, n, e.ip());
                assertThat(e.mac()).isEqualTo(MacAddress.toString(MacAddress.fromIpv4(Ipv4Address.parse(e.ip()))));
                expected.put(AllocKeys.ip(n.id(), Ipv4Address.parse(e.ip())), Reservation.of(Reservation.NODE, status.node().id()));
            }
        }
        if (snap.initialized()) {
            expected.put(AllocKeys.CLUSTER, null);
        }
        for (String counter : List.of(AllocKeys.VNI_CURSOR, AllocKeys.SUBNET_GUARD, AllocKeys.PORT_GUARD)) {
            if (snap.contains(counter)) {
                expected.put(counter, null);
            }
        }
        assertThat(new TreeSet<>(snap.under(Keys.ALLOC).keySet())).as("reservation keys")
                .containsExactlyElementsOf(new TreeSet<>(expected.keySet()));
        expected.forEach((key, owner) -> {
            if (owner != null) {
                assertThat(snap.value(key, Reservation.class)).as(key).contains(owner);
            }
        });
    }

    private static void claim(Map<String, Set<String>> addresses, Network n, String ip) {
        assertThat(Ipv4Address.parse(ip)).as("gateway handed out on %s", n.name()).isNotEqualTo(Ipv4Address.parse(n.gateway()));
        assertThat(addresses.computeIfAbsent(n.id(), k -> new HashSet<>()).add(ip))
                .as("address %s handed out twice on %s", ip, n.name()).isTrue();
    }
}
