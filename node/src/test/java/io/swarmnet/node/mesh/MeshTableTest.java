package io.swarmnet.node.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.tables.Backend;
import io.swarmnet.control.tables.BackendState;
import io.swarmnet.control.tables.PortKey;
import io.swarmnet.control.tables.PortMapping;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeshTableTest {
    private static final String TAP = IngressEndpoint.INTERFACE;
    private static final int VIP = Ipv4Address.parse("10.0.0.2");

    private static Backend backend(String task, String ip, boolean local, BackendState state) {
        return new Backend(task, local ? "n1" : "n2", Ipv4Address.parse(ip), MacAddress.fromIpv4(Ipv4Address.parse(ip)), Ipv4Address.parse("192.0.2.12"), local, state);
    }

    private static PortMapping ingress(PortProtocol protocol, int published, Backend... backends) {
        return new PortMapping("s", "web", protocol, published, 80, PublishMode.INGRESS, 4096, VIP, List.of(backends));
    }

    private static PortMapping host(int published, Backend... backends) {
        return new PortMapping("h", "hm", PortProtocol.TCP, published, 80, PublishMode.HOST, 4097, 0, List.of(backends));
    }

    private static String mesh(String body) {
        int start = body.indexOf("chain mesh {\n") + "chain mesh {\n".length();
        return body.substring(start, body.indexOf("  }\n", start));
    }

    @Test
    void ingressPortsSpreadNewConnectionsOverTheActiveTasksInTurn() {
        String body = MeshTable.body(TAP, List.of(ingress(PortProtocol.TCP, 8000,
                backend("a", "10.0.0.5", false, BackendState.ACTIVE),
                backend("b", "10.0.0.6", true, BackendState.DRAINING),
                backend("c", "10.0.0.7", true, BackendState.ACTIVE))), Map.of(), Set.of(), false);

        assertThat(mesh(body)).isEqualTo(
                "    tcp dport 8000 dnat ip addr . port to numgen inc mod 2 map { 0 : 10.0.0.5 . 80, 1 : 10.0.0.7 . 80 }\n");
        assertThat(body).contains("oifname \"snt-ingress\" ct status dnat masquerade")
                .contains("fib daddr type local jump mesh");
    }

    @Test
    void oneTaskIsAPlainDnatAndTheVipIsUsedWhenTheLoadBalancerServesIt() {
        PortMapping udp = ingress(PortProtocol.UDP, 53, backend("a", "10.0.0.5", false, BackendState.ACTIVE));

        assertThat(mesh(MeshTable.body(TAP, List.of(udp), Map.of(), Set.of(), false)))
                .isEqualTo("    udp dport 53 dnat to 10.0.0.5:80\n");
        assertThat(mesh(MeshTable.body(TAP, List.of(udp), Map.of(), Set.of(), true)))
                .isEqualTo("    udp dport 53 dnat to 10.0.0.2:80\n");
    }

    @Test
    void aPortWithoutActiveTasksGetsNoRuleSoTheNodeRefusesIt() {
        String body = MeshTable.body(TAP, List.of(ingress(PortProtocol.TCP, 8000,
                backend("b", "10.0.0.6", true, BackendState.DRAINING))), Map.of(), Set.of(), false);

        assertThat(mesh(body)).isEmpty();
    }

    @Test
    void withoutAnIngressEndpointOnlyHostModePortsAreServed() {
        String body = MeshTable.body(null, List.of(ingress(PortProtocol.TCP, 8000,
                backend("a", "10.0.0.5", false, BackendState.ACTIVE)),
                host(9000, backend("t", "10.0.1.5", true, BackendState.ACTIVE))), Map.of("t", Ipv4Address.parse("172.18.0.3")),
                Set.of(), false);

        assertThat(mesh(body)).isEqualTo("    tcp dport 9000 dnat to 172.18.0.3:80\n");
        assertThat(body).doesNotContain("masquerade");
    }

    @Test
    void hostModeGoesToTheLocalTasksGwbridgeAddressAndNeedsOne() {
        PortMapping hm = host(9000, backend("t", "10.0.1.5", true, BackendState.ACTIVE));

        assertThat(mesh(MeshTable.body(TAP, List.of(hm), Map.of("t", Ipv4Address.parse("172.18.0.3")), Set.of(), false)))
                .isEqualTo("    tcp dport 9000 dnat to 172.18.0.3:80\n");
        assertThat(mesh(MeshTable.body(TAP, List.of(hm), Map.of(), Set.of(), false))).as("not attached yet").isEmpty();
    }

    @Test
    void portsServedByTheProxyForwarderAreLeftOutInStableOrder() {
        List<PortMapping> ports = List.of(
                ingress(PortProtocol.UDP, 8000, backend("a", "10.0.0.5", false, BackendState.ACTIVE)),
                ingress(PortProtocol.TCP, 8002, backend("a", "10.0.0.5", false, BackendState.ACTIVE)),
                ingress(PortProtocol.TCP, 8000, backend("a", "10.0.0.5", false, BackendState.ACTIVE)));

        assertThat(mesh(MeshTable.body(TAP, ports, Map.of(), Set.of(new PortKey(PortProtocol.TCP, 8002)), false)))
                .isEqualTo("    tcp dport 8000 dnat to 10.0.0.5:80\n    udp dport 8000 dnat to 10.0.0.5:80\n");
    }
}
