package io.swarmnet.node.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.tables.DesiredTables;
import io.swarmnet.control.tables.IpKey;
import io.swarmnet.control.tables.LocalNetwork;
import io.swarmnet.control.tables.MacKey;
import io.swarmnet.control.tables.Table;
import io.swarmnet.node.reconcile.AttachmentPlanner;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;
import io.swarmnet.packet.MacAddress;
import io.swarmnet.vxlan.fdb.NetworkTable;
import io.swarmnet.vxlan.fdb.OverlayTables;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OverlayTablesMapperTest {
    private static final int VNI = 4097;
    private static final int OTHER_VNI = 4098;
    private static final int UNDERLAY_MTU = 1400;
    private static final int PEER = ip("192.0.2.22");
    private static final int LATE_PEER = ip("192.0.2.23");
    private static final int TASK_A = ip("10.0.9.3");
    private static final int TASK_B = ip("10.0.9.4");
    private static final long MAC_A = MacAddress.fromIpv4(TASK_A);
    private static final long MAC_B = MacAddress.fromIpv4(TASK_B);

    private static int ip(String text) {
        return Ipv4Address.parse(text);
    }

    private static LocalNetwork network(int vni, int mtu) {
        return new LocalNetwork("net" + vni, "app" + vni, vni, Ipv4Subnet.parse("10.0.9.0/24"), ip("10.0.9.1"),
                mtu, false, false);
    }

    private static DesiredTables tables(List<LocalNetwork> networks, Map<MacKey, Integer> fdb, Map<IpKey, Long> arp) {
        Map<Integer, LocalNetwork> byVni = new java.util.HashMap<>();
        networks.forEach(n -> byVni.put(n.vni(), n));
        return new DesiredTables(7, "self", Table.of(byVni), Table.of(fdb), Table.of(arp), Table.empty(),
                Table.empty(), Table.empty(), Table.empty());
    }

    /** One case: desired tables, peers and ports in, what the VTEP's tables must say. */
    record Case(String name, DesiredTables desired, List<Integer> peers, List<LocalPort> ports, Consumer<OverlayTables> expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("network MTU 0 is the underlay's less 50",
                        tables(List.of(network(VNI, 0)), Map.of(), Map.of()), List.of(), List.of(),
                        t -> assertThat(t.network(VNI).mtu()).isEqualTo(1350)),
                new Case("a network's own MTU wins over the derived one",
                        tables(List.of(network(VNI, 1200)), Map.of(), Map.of()), List.of(), List.of(),
                        t -> assertThat(t.network(VNI).mtu()).isEqualTo(1200)),
                new Case("a remote MAC lives behind its node's VTEP",
                        tables(List.of(network(VNI, 0)), Map.of(new MacKey(VNI, MAC_B), PEER), Map.of()),
                        List.of(PEER), List.of(),
                        t -> assertThat(t.network(VNI).remoteVtep(MAC_B)).isEqualTo(PEER)),
                new Case("a VTEP the peers list lacks yet is trusted as a peer",
                        tables(List.of(network(VNI, 0)), Map.of(new MacKey(VNI, MAC_B), LATE_PEER), Map.of()),
                        List.of(PEER), List.of(),
                        t -> assertThat(t.peers()).containsExactlyInAnyOrder(PEER, LATE_PEER)),
                new Case("ready nodes are peers even without tasks here",
                        tables(List.of(network(VNI, 0)), Map.of(), Map.of()), List.of(PEER, 0), List.of(),
                        t -> assertThat(t.peers()).containsExactly(PEER)),
                new Case("an attached port owns its MAC",
                        tables(List.of(network(VNI, 0)), Map.of(), Map.of()), List.of(), List.of(new LocalPort(VNI, MAC_A, 3)),
                        t -> assertThat(t.network(VNI).localPort(MAC_A)).isEqualTo(3)),
                new Case("a port of a network the tables do not serve yet is left out",
                        tables(List.of(network(VNI, 0)), Map.of(), Map.of()), List.of(),
                        List.of(new LocalPort(OTHER_VNI, MAC_A, 3)),
                        t -> assertThat(t.network(OTHER_VNI)).isNull()),
                new Case("a MAC both local and remote stays local",
                        tables(List.of(network(VNI, 0)), Map.of(new MacKey(VNI, MAC_A), PEER), Map.of()),
                        List.of(PEER), List.of(new LocalPort(VNI, MAC_A, 3)),
                        t -> {
                            assertThat(t.network(VNI).localPort(MAC_A)).isEqualTo(3);
                            assertThat(t.network(VNI).remoteVtep(MAC_A)).isEqualTo(NetworkTable.NO_VTEP);
                        }),
                new Case("ARP answers come from the desired neighbour table",
                        tables(List.of(network(VNI, 0)), Map.of(),
                                Map.of(new IpKey(VNI, TASK_A), MAC_A, new IpKey(VNI, TASK_B), MAC_B)),
                        List.of(), List.of(),
                        t -> {
                            assertThat(t.network(VNI).arpMac(TASK_A)).isEqualTo(MAC_A);
                            assertThat(t.network(VNI).arpMac(TASK_B)).isEqualTo(MAC_B);
                        }),
                new Case("entries of networks this node does not serve are left out",
                        tables(List.of(network(VNI, 0)), Map.of(new MacKey(OTHER_VNI, MAC_B), PEER),
                                Map.of(new IpKey(OTHER_VNI, TASK_B), MAC_B)),
                        List.of(PEER), List.of(),
                        t -> assertThat(t.networks()).extracting(NetworkTable::vni).containsExactly(VNI)),
                new Case("a network whose derived MTU is impossible is left out rather than failing the build",
                        tables(List.of(network(VNI, 0), network(OTHER_VNI, 40)), Map.of(), Map.of()), List.of(), List.of(),
                        t -> assertThat(t.networks()).extracting(NetworkTable::vni).containsExactly(VNI))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mapsDesiredTablesToVtepTables(Case c) {
        OverlayTables tables = OverlayTablesMapper.map(11, c.desired(), c.peers(), UNDERLAY_MTU, c.ports());
        assertThat(tables.version()).isEqualTo(11);
        c.expect().accept(tables);
    }

    @Test
    void tapNamesFitAnInterfaceNameAndDifferPerNetwork() {
        String a = AttachmentPlanner.tapName("b6fez08jhumsjuce19mygaiz8", VNI);
        String b = AttachmentPlanner.tapName("b6fez08jhumsjuce19mygaiz8", OTHER_VNI);
        assertThat(a).hasSizeLessThanOrEqualTo(15).startsWith("snt").isNotEqualTo(b);
    }
}
